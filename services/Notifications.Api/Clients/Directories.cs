using System.Net;
using System.Net.Http.Json;
using EventBooking.Messaging;
using Notifications.Api.Caching;

namespace Notifications.Api.Clients;

/// <summary>
/// Who a user is, for addressing an email; <paramref name="EmailNotifications"/> false = opted out of email, <paramref name="PreferredLanguage"/>
/// the language to write in (a BCP 47 tag or null) (users-api profile).
/// </summary>
public sealed record UserContact(Guid UserId, string Email, string? DisplayName, bool EmailNotifications = true, string? PreferredLanguage = null);

/// <summary>One attendee of an event: the holder of a booking.</summary>
public sealed record EventAttendee(Guid UserId, Guid BookingId, string? Email, string? Name);

/// <summary>Looks users up in users-api.</summary>
public interface IUserDirectory
{
    /// <summary>
    /// The addresses of those of <paramref name="userIds"/> users-api knows (one request for a batch of emails, not one per
    /// recipient). Throws when users-api cannot be asked.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, UserContact>> FindAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);
}

/// <summary>Lists an event's attendees from bookings-api.</summary>
public interface IAttendeeDirectory
{
    Task<IReadOnlyList<EventAttendee>> AttendeesOfAsync(Guid eventId, CancellationToken cancellationToken);
}

/// <summary>Reads an event's current time, place and calendar revision from events-api.</summary>
public interface IEventDirectory
{
    /// <summary>The event as calendars show it (without a URL), or null when events-api does not know it. Throws when it cannot be asked.</summary>
    Task<CalendarEntry?> CalendarEntryAsync(Guid eventId, CancellationToken cancellationToken);
}

/// <summary><c>GET /internal/events/{eventId}</c> on events-api (docs/contracts.md), with the service token.</summary>
public sealed class EventsApiClient(HttpClient http) : IEventDirectory
{
    public async Task<CalendarEntry?> CalendarEntryAsync(Guid eventId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/internal/events/{eventId}", UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var e = await response.Content.ReadFromJsonAsync<InternalEvent>(cancellationToken)
            ?? throw new HttpRequestException($"events-api answered event {eventId} without a body.");
        return new CalendarEntry(e.Id, e.CalendarSequence ?? 0, e.StartsAt, e.EndsAt, e.Title, e.Venue ?? "", e.City ?? "", e.Description,
            Url: null, Cancelled: string.Equals(e.Status, "Cancelled", StringComparison.OrdinalIgnoreCase));
    }

    private sealed record InternalEvent(
        Guid Id, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Status, string? Venue, string? City, string? Description,
        int? CalendarSequence);
}

/// <summary><c>POST /internal/users/contacts</c> on users-api (at most 500 ids a request), with the service token.</summary>
public sealed class UsersApiClient(HttpClient http) : IUserDirectory
{
    private const int MaxIdsPerRequest = 500;

    public async Task<IReadOnlyDictionary<Guid, UserContact>> FindAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var contacts = new Dictionary<Guid, UserContact>();
        foreach (var chunk in userIds.Distinct().Chunk(MaxIdsPerRequest))
        {
            using var response = await http.PostAsJsonAsync(new Uri("/internal/users/contacts", UriKind.Relative), new { ids = chunk }, cancellationToken);
            response.EnsureSuccessStatusCode();
            foreach (var user in await response.Content.ReadFromJsonAsync<List<InternalUser>>(cancellationToken) ?? [])
            {
                if (user.Email is { Length: > 0 } email)
                {
                    contacts[user.Id] = new UserContact(user.Id, email, user.DisplayName ?? user.Name, user.EmailNotifications ?? true, user.PreferredLanguage);
                }
            }
        }

        return contacts;
    }

    private sealed record InternalUser(Guid Id, string? Email, string? DisplayName, string? Name, bool? EmailNotifications, string? PreferredLanguage);
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

public static partial class UserDirectoryExtensions
{
    /// <summary>
    /// The preferred language of each of <paramref name="userIds"/> users-api knows, to write to them in it. users-api out of reach
    /// is no reason to hold a notification back: then nobody's language is known (the default is written) and a warning is logged.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, string?>> LanguagesAsync(this IUserDirectory users, IReadOnlyCollection<Guid> userIds, ILogger logger,
        CancellationToken cancellationToken)
    {
        try
        {
            var contacts = await users.FindAsync(userIds, cancellationToken);
            return contacts.ToDictionary(c => c.Key, c => c.Value.PreferredLanguage);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
            or (TaskCanceledException and not { CancellationToken.IsCancellationRequested: true }))
        {
            LogLanguagesUnknown(logger, userIds.Count, ex);
            return new Dictionary<Guid, string?>();
        }
    }

    /// <summary>
    /// <see cref="LanguagesAsync(IUserDirectory, IReadOnlyCollection{Guid}, ILogger, CancellationToken)"/> for notifications: users-api
    /// is asked only about the recipients <paramref name="cache"/> does not remember (then remembers its answers; a recipient
    /// users-api does not know is remembered as having no language). users-api out of reach: the remembered languages, the
    /// default for the others, and nothing remembered.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, string?>> LanguagesAsync(this IUserDirectory users, IReadOnlyCollection<Guid> userIds,
        RecipientLanguageCache cache, ILogger logger, CancellationToken cancellationToken)
    {
        var languages = new Dictionary<Guid, string?>();
        var unknown = new List<Guid>();
        foreach (var userId in userIds.Distinct())
        {
            if (cache.TryGet(userId, out var language))
            {
                languages[userId] = language;
            }
            else
            {
                unknown.Add(userId);
            }
        }

        if (unknown.Count == 0)
        {
            return languages;
        }

        try
        {
            var contacts = await users.FindAsync(unknown, cancellationToken);
            foreach (var userId in unknown)
            {
                var language = contacts.GetValueOrDefault(userId)?.PreferredLanguage;
                cache.Set(userId, language);
                languages[userId] = language;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
            or (TaskCanceledException and not { CancellationToken.IsCancellationRequested: true }))
        {
            LogLanguagesUnknown(logger, unknown.Count, ex);
        }

        return languages;
    }

    [LoggerMessage(LogLevel.Warning, "users-api could not tell the language of {Count} recipient(s); writing to them in the default language")]
    private static partial void LogLanguagesUnknown(ILogger logger, int count, Exception exception);
}
