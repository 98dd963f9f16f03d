using System.Collections.Concurrent;
using Notifications.Api.Clients;

namespace Notifications.Api.Tests;

/// <summary>Stands in for users-api's and bookings-api's internal lookups in tests of notifications-api alone.</summary>
public sealed class FakeDirectory : IUserDirectory, IAttendeeDirectory
{
    public ConcurrentDictionary<Guid, UserContact> Users { get; } = new();
    public ConcurrentDictionary<Guid, List<EventAttendee>> Attendees { get; } = new();

    public Task<UserContact?> FindAsync(Guid userId, CancellationToken cancellationToken) =>
        Task.FromResult(Users.TryGetValue(userId, out var user) ? user : null);

    public Task<IReadOnlyList<EventAttendee>> AttendeesOfAsync(Guid eventId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EventAttendee>>(Attendees.TryGetValue(eventId, out var list) ? [.. list] : []);
}
