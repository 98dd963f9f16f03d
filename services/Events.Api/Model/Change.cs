namespace Events.Api.Model;

/// <summary>
/// The model's answer to a requested change of an event: refused (an <see cref="Error"/> in domain terms, or field errors),
/// or accepted, saying whether anything changed and what attendees must hear. The API turns a refusal into a problem
/// (its status chosen from the error's kind) and an accepted change into a save plus its integration event.
/// </summary>
public sealed record Change
{
    private Change()
    {
    }

    /// <summary>Accepted, and nothing changed (the same request again).</summary>
    public static Change None { get; } = new();

    /// <summary>Why the change is refused (null when it is not, or when <see cref="FieldErrors"/> say why).</summary>
    public Error? Error { get; private init; }

    /// <summary>The fields that break a rule of the event, with their messages.</summary>
    public IReadOnlyDictionary<string, string[]>? FieldErrors { get; private init; }

    /// <summary>The event changed and must be saved.</summary>
    public bool Changed { get; private init; }

    /// <summary>What attendees must hear about this change, if anything.</summary>
    public Announcement? Announcement { get; private init; }

    public static Change Done(Announcement? announcement = null) => new() { Changed = true, Announcement = announcement };

    public static Change Refused(Error error) => new() { Error = error };

    public static Change Invalid(string field, string message) =>
        new() { FieldErrors = new Dictionary<string, string[]> { [field] = [message] } };
}

/// <summary>News of a published event that its attendees must hear (the integration events <c>event.updated</c> and <c>event.cancelled</c>).</summary>
public abstract record Announcement
{
    /// <summary>The date or the venue changed (<paramref name="ChangedFields"/>: startsAt, endsAt, venue, city).</summary>
    public sealed record Updated(IReadOnlyList<string> ChangedFields) : Announcement;

    /// <summary>The event is cancelled: its bookings are refunded.</summary>
    public sealed record Cancelled(string Reason) : Announcement;
}
