namespace EventBooking.ServiceDefaults;

/// <summary>
/// An event's times as people at its venue read them. Events carry their time zone as an IANA id (<c>Europe/Paris</c>); the
/// APIs and the integration events carry instants. The web and notifications-api's emails both write times this way.
/// </summary>
public static class EventTimes
{
    /// <summary>
    /// <paramref name="at"/> on the clocks of <paramref name="timeZone"/>, and the zone's name as people read it
    /// ("America/New York"); UTC, named "UTC", when the zone is absent (an older record or message) or unknown here.
    /// </summary>
    public static (DateTime Local, string Zone) InZone(DateTimeOffset at, string? timeZone) =>
        !string.IsNullOrWhiteSpace(timeZone) && timeZone is not ("UTC" or "Etc/UTC") && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? (TimeZoneInfo.ConvertTime(at, zone).DateTime, zone.Id.Replace('_', ' '))
            : (at.UtcDateTime, "UTC");
}
