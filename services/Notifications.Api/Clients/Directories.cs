using System.Net;
using System.Net.Http.Json;

namespace Notifications.Api.Clients;

/// <summary>Who a user is, for addressing an email; <paramref name="EmailNotifications"/> false = opted out of email (users-api profile).</summary>
public sealed record UserContact(Guid UserId, string Email, string? DisplayName, bool EmailNotifications = true);

/// <summary>One attendee of an event: the holder of a booking.</summary>
public sealed record EventAttendee(Guid UserId, Guid BookingId, string? Email, string? Name);

/// <summary>Looks users up in users-api.</summary>
public interface IUserDirectory
{
    /// <summary>The user's address, or null when users-api does not know the user. Throws when users-api cannot be asked.</summary>
    Task<UserContact?> FindAsync(Guid userId, CancellationToken cancellationToken);
}

/// <summary>Lists an event's attendees from bookings-api.</summary>
public interface IAttendeeDirectory
{
    Task<IReadOnlyList<EventAttendee>> AttendeesOfAsync(Guid eventId, CancellationToken cancellationToken);
}

/// <summary><c>GET /internal/users/{id}</c> on users-api, with the service token.</summary>
public sealed class UsersApiClient(HttpClient http) : IUserDirectory
{
    public async Task<UserContact?> FindAsync(Guid userId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/internal/users/{userId}", UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var user = await response.Content.ReadFromJsonAsync<InternalUser>(cancellationToken);
        return user?.Email is { Length: > 0 } email
            ? new UserContact(userId, email, user.DisplayName ?? user.Name, user.EmailNotifications ?? true)
            : null;
    }

    private sealed record InternalUser(Guid Id, string? Email, string? DisplayName, string? Name, bool? EmailNotifications);
}

/// <summary><c>GET /internal/events/{eventId}/attendees</c> on bookings-api (docs/contracts.md), with the service token.</summary>
public sealed class BookingsApiClient(HttpClient http) : IAttendeeDirectory
{
    public async Task<IReadOnlyList<EventAttendee>> AttendeesOfAsync(Guid eventId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/internal/events/{eventId}/attendees", UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<EventAttendee>>(cancellationToken) ?? [];
    }
}
