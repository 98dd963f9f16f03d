namespace Events.Api.Model;

public enum EventStatus
{
    Draft = 0,
    Published = 1,
    Cancelled = 2,
    Completed = 3,
}

/// <summary>
/// An event of the catalog and the rules of its life cycle. Seat counters live in <see cref="Inventory"/>
/// (a separate row/sub-document) so catalog edits never contend with a sale rush.
/// </summary>
public sealed class CatalogEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganizerId { get; set; }
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public string Venue { get; set; } = "";
    public string City { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    /// <summary>IANA time zone of the venue (start and end are instants; this says how to show them).</summary>
    public string TimeZone { get; set; } = "UTC";
    public string Category { get; set; } = "";
    public int Capacity { get; set; }
    public decimal Price { get; set; }
    public string Currency { get; set; } = "EUR";
    public EventStatus Status { get; set; } = EventStatus.Draft;
    public string? ImageUrl { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancellationReason { get; set; }
    /// <summary>Optimistic concurrency: bumped by every catalog change.</summary>
    public int Version { get; set; }

    /// <summary>The status people see: a published event whose end has passed is completed.</summary>
    public EventStatus EffectiveStatus(DateTimeOffset now) =>
        Status == EventStatus.Published && EndsAt <= now ? EventStatus.Completed : Status;

    public bool IsOnSale(DateTimeOffset now) => Status == EventStatus.Published && StartsAt > now;

    public bool CanBeChangedBy(Guid? userId, bool isAdmin) => isAdmin || (userId is { } id && id == OrganizerId);

    /// <summary>Publishing needs a draft that has not started yet.</summary>
    public string? CannotPublishReason(DateTimeOffset now) => Status switch
    {
        EventStatus.Published => null, // idempotent
        EventStatus.Draft when StartsAt <= now => "The event has already started.",
        EventStatus.Draft => null,
        _ => $"A {Status.ToString().ToLowerInvariant()} event cannot be published.",
    };

    public string? CannotCancelReason(DateTimeOffset now) => Status switch
    {
        EventStatus.Cancelled => null, // idempotent
        EventStatus.Draft or EventStatus.Published when EndsAt > now => null,
        _ => "An event that has ended cannot be cancelled.",
    };

    public string? CannotEditReason(DateTimeOffset now) =>
        Status == EventStatus.Cancelled ? "A cancelled event cannot be changed."
        : EffectiveStatus(now) == EventStatus.Completed ? "An event that has ended cannot be changed."
        : null;

    /// <summary>Applies an edit and returns which fields attendees must hear about (date or venue of a published event).</summary>
    public IReadOnlyList<string> Apply(EventInput input, DateTimeOffset now)
    {
        var changed = new List<string>();
        if (Status == EventStatus.Published)
        {
            if (StartsAt != input.StartsAt) { changed.Add("startsAt"); }
            if (EndsAt != input.EndsAt) { changed.Add("endsAt"); }
            if (!string.Equals(Venue, input.Venue, StringComparison.Ordinal)) { changed.Add("venue"); }
            if (!string.Equals(City, input.City, StringComparison.Ordinal)) { changed.Add("city"); }
        }

        Title = input.Title;
        Description = input.Description;
        Venue = input.Venue;
        City = input.City;
        StartsAt = input.StartsAt;
        EndsAt = input.EndsAt;
        TimeZone = input.TimeZone;
        Category = input.Category;
        Capacity = input.Capacity;
        Price = input.Price;
        Currency = input.Currency;
        ImageUrl = input.ImageUrl;
        UpdatedAt = now;
        return changed;
    }

    public static CatalogEvent Create(Guid organizerId, EventInput input, DateTimeOffset now)
    {
        var created = new CatalogEvent { OrganizerId = organizerId, CreatedAt = now };
        created.Apply(input, now);
        return created;
    }
}

/// <summary>Seat counters of one event. I1: Sold + Held ≤ Capacity. I2: Capacity = Available + Held + Sold.</summary>
public sealed record Inventory(Guid EventId, int Capacity, int Held, int Sold)
{
    public int Available => Capacity - Held - Sold;
}

/// <summary>The validated fields of a create or update request.</summary>
public sealed record EventInput(
    string Title, string Description, string Venue, string City, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string TimeZone, string Category, int Capacity, decimal Price, string Currency, string? ImageUrl);
