using System.ComponentModel.DataAnnotations;

namespace Events.Api.WaitingRoom;

/// <summary>The waiting room's machinery (section <c>WaitingRoom</c>); each event's own settings are its <see cref="RoomSettings"/>.</summary>
public sealed class WaitingRoomOptions
{
    public const string Section = "WaitingRoom";

    /// <summary>
    /// The key that signs queue passes (<c>WaitingRoom__PassKey</c>, at least 32 characters; the AppHost gives every events-api
    /// replica the same generated, persisted secret). Left empty (a lone process without the AppHost) a random key is made at
    /// start: passes then hold only in that process.
    /// </summary>
    public string? PassKey { get; set; }

    /// <summary>How often the admitting replica lets buyers in (each tick admits the rate's share of the time since the last).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The admitter's lease: a replica that dies (kill -9) is replaced by another once it lapses.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The admission rate of a room whose organizer names none: buyers per minute the system can take through a purchase.
    /// Derived from the measured capacity: bench/results/latest.md (2026-12-04, hot event, closed loop, one replica each, 2
    /// cores under a load average of 56) completed 23.7 purchases (book + pay) a second, about 1,400 a minute, with a booking
    /// p99 of 10 s; admitting 600 a minute (~40 % of it) leaves the admitted buyers' purchases room to finish quickly.
    /// Organizers set their own per event (<see cref="RoomSettings.AdmissionsPerMinute"/>).
    /// </summary>
    [Range(1, 60_000)]
    public int DefaultAdmissionsPerMinute { get; set; } = 600;

    /// <summary>How long an admitted buyer's pass is valid when the organizer names no lifetime.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan DefaultPassLifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Join requests per user per minute (counted for all replicas together).</summary>
    [Range(1, 1_000_000)]
    public int JoinRequestsPerMinute { get; set; } = 10;
}
