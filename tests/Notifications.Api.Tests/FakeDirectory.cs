using System.Collections.Concurrent;
using Notifications.Api.Clients;

namespace Notifications.Api.Tests;

/// <summary>Stands in for users-api's and bookings-api's internal lookups in tests of notifications-api alone.</summary>
public sealed class FakeDirectory : IUserDirectory, IAttendeeDirectory
{
    public ConcurrentDictionary<Guid, UserContact> Users { get; } = new();
    public ConcurrentDictionary<Guid, List<EventAttendee>> Attendees { get; } = new();

    /// <summary>How many lookups were asked for (a batch of emails asks once).</summary>
    public int Lookups => _lookups;
    private int _lookups;

    public Task<IReadOnlyDictionary<Guid, UserContact>> FindAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        return Task.FromResult<IReadOnlyDictionary<Guid, UserContact>>(
            userIds.Where(Users.ContainsKey).Distinct().ToDictionary(id => id, id => Users[id]));
    }

    public Task<IReadOnlyList<EventAttendee>> AttendeesOfAsync(Guid eventId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EventAttendee>>(Attendees.TryGetValue(eventId, out var list) ? [.. list] : []);
}
