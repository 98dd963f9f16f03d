using System.Collections.Concurrent;
using EventBooking.Messaging;
using Notifications.Api.Clients;

namespace Notifications.Api.Tests;

/// <summary>Stands in for users-api's, bookings-api's and events-api's internal lookups in tests of notifications-api alone.</summary>
public sealed class FakeDirectory : IUserDirectory, IAttendeeDirectory, IEventDirectory
{
    public ConcurrentDictionary<Guid, UserContact> Users { get; } = new();
    public ConcurrentDictionary<Guid, List<EventAttendee>> Attendees { get; } = new();
    /// <summary>events-api's events as calendars show them; an event not here is one events-api does not know.</summary>
    public ConcurrentDictionary<Guid, CalendarEntry> Events { get; } = new();
    /// <summary>While true, events-api cannot be reached (the lookup throws like the real client).</summary>
    public bool EventsDown { get; set; }

    /// <summary>How many lookups were asked for (a batch of emails asks once).</summary>
    public int Lookups => _lookups;
    private int _lookups;
    private readonly ConcurrentDictionary<Guid, int> _lookupsOf = new();

    /// <summary>How many lookups asked about <paramref name="userId"/> (tests running side by side do not disturb it).</summary>
    public int LookupsOf(Guid userId) => _lookupsOf.GetValueOrDefault(userId);

    public Task<IReadOnlyDictionary<Guid, UserContact>> FindAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        foreach (var userId in userIds.Distinct())
        {
            _lookupsOf.AddOrUpdate(userId, 1, (_, count) => count + 1);
        }

        return Task.FromResult<IReadOnlyDictionary<Guid, UserContact>>(
            userIds.Where(Users.ContainsKey).Distinct().ToDictionary(id => id, id => Users[id]));
    }

    public Task<CalendarEntry?> CalendarEntryAsync(Guid eventId, CancellationToken cancellationToken) =>
        EventsDown ? throw new HttpRequestException("events-api is down (test)") : Task.FromResult(Events.GetValueOrDefault(eventId));

    public Task<IReadOnlyList<EventAttendee>> AttendeesOfAsync(Guid eventId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EventAttendee>>(Attendees.TryGetValue(eventId, out var list) ? [.. list] : []);
}
