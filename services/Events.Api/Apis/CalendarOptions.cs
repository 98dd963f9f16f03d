using System.ComponentModel.DataAnnotations;

namespace Events.Api.Apis;

/// <summary>Calendar download settings (section <c>Calendar</c>).</summary>
public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>The web app's public address: a calendar entry's URL is its event page there (the AppHost sets it from the web's endpoint).</summary>
    [Required, Url]
    public string WebBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>The page of event <paramref name="eventId"/> on the web.</summary>
    public Uri EventPage(Guid eventId) => new(new Uri(WebBaseUrl), $"/events/{eventId}");
}
