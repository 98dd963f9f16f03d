namespace Events.Api.WaitingRoom;

/// <summary>How buyers who join before <see cref="RoomSettings.OpensAt"/> are put in line.</summary>
public enum EarlyArrivals
{
    /// <summary>In the order they joined, like everyone after them.</summary>
    FirstCome,
    /// <summary>Shuffled: every early arrival gets a random place ahead of everyone who joins after the opening.</summary>
    Randomized,
}

/// <summary>
/// An event's waiting room as its organizer set it: on or off, buyers admitted per minute, how long a pass lasts, when admission
/// starts (<see cref="OpensAt"/>; none: at once) and how the buyers who came before that are ordered. A room left off may switch
/// itself on when demand passes <see cref="AutoOnAbovePerMinute"/> (holds asked for in the last minute, all replicas together);
/// <see cref="SwitchedOnAutomaticallyAt"/> then says when. It stays on until the organizer switches it off.
/// </summary>
public sealed record RoomSettings(bool Enabled, int AdmissionsPerMinute, TimeSpan PassLifetime, DateTimeOffset? OpensAt, EarlyArrivals EarlyArrivals,
    int? AutoOnAbovePerMinute = null, DateTimeOffset? SwitchedOnAutomaticallyAt = null)
{
    public const int MaxAdmissionsPerMinute = 60_000;

    public const int MaxAutoOnAbovePerMinute = 1_000_000;

    public static readonly TimeSpan MinPassLifetime = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxPassLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// At most one minute's admissions hold an unused pass at once: when buyers sit on their passes, new admissions wait; a pass
    /// used or expired frees its slot for the next buyer.
    /// </summary>
    public int MaxActivePasses => Math.Max(1, AdmissionsPerMinute);

    /// <summary>Whether admission has started at <paramref name="now"/>.</summary>
    public bool IsOpenAt(DateTimeOffset now) => OpensAt is not { } opens || opens <= now;

    /// <summary>The field errors of settings an organizer sends.</summary>
    public static Dictionary<string, string[]> Validate(int? admissionsPerMinute, int? passLifetimeSeconds, int? autoOnAbovePerMinute = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (admissionsPerMinute is { } rate && (rate < 1 || rate > MaxAdmissionsPerMinute))
        {
            errors["admissionsPerMinute"] = [$"Between 1 and {MaxAdmissionsPerMinute} buyers a minute."];
        }

        if (passLifetimeSeconds is { } seconds && (seconds < MinPassLifetime.TotalSeconds || seconds > MaxPassLifetime.TotalSeconds))
        {
            errors["passLifetimeSeconds"] = [$"Between {MinPassLifetime.TotalSeconds} and {MaxPassLifetime.TotalSeconds} seconds."];
        }

        if (autoOnAbovePerMinute is { } above && (above < 1 || above > MaxAutoOnAbovePerMinute))
        {
            errors["autoOnAbovePerMinute"] = [$"Between 1 and {MaxAutoOnAbovePerMinute} holds a minute, or none to switch the room only by hand."];
        }

        return errors;
    }
}

/// <summary>The waiting room's refusals (codes travel unchanged to bookings-api and the web).</summary>
public static class RoomErrors
{
    public const string PassRequiredCode = "queue-pass-required";

    /// <summary>Where a buyer joins the line of <paramref name="eventId"/> (the problem's <c>queue</c> member).</summary>
    public static string QueueUrl(Guid eventId) => $"/api/events/{eventId}/queue";

    public static Error PassRequired(Guid eventId) => new Error(PassRequiredCode, ErrorKind.Forbidden,
        $"This event's sale runs through a waiting room: join the line with POST {QueueUrl(eventId)}, wait for your turn " +
        $"(GET {QueueUrl(eventId)}/me shows your place and, once admitted, your pass) and book with the pass as queuePass.")
        .With("queue", QueueUrl(eventId));

    public static Error PassInvalid(Guid eventId, string why) => new Error("queue-pass-invalid", ErrorKind.Forbidden,
        $"The queue pass is not valid: {why} Join the line with POST {QueueUrl(eventId)}.").With("queue", QueueUrl(eventId));

    public static Error PassExpired(Guid eventId) => new Error("queue-pass-expired", ErrorKind.Forbidden,
        $"The queue pass expired unused and the turn went to the next buyer; join the line again with POST {QueueUrl(eventId)}.")
        .With("queue", QueueUrl(eventId));

    public static Error PassUsed(Guid eventId) => new Error("queue-pass-used", ErrorKind.Forbidden,
        $"The queue pass was already used for another booking; join the line again with POST {QueueUrl(eventId)}.")
        .With("queue", QueueUrl(eventId));

    public static Error NotInLine { get; } = new("not-in-line", ErrorKind.NotFound, "You are not in this event's line.");

    public static Error RoomOff { get; } = new("waiting-room-off", ErrorKind.Conflict,
        "This event has no waiting room switched on: book directly.");

    public static Error Unavailable { get; } = Error.Unavailable("waiting-room-unavailable",
        "The waiting room's store cannot be reached; try again shortly.");
}
