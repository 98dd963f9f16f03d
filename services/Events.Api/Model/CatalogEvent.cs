namespace Events.Api.Model;

public enum EventStatus
{
    Draft = 0,
    Published = 1,
    Cancelled = 2,
    Completed = 3,
}

/// <summary>
/// An event of the catalog and the rules of its life cycle: publish, edit, cancel and delete are methods here, and each
/// answers with a <see cref="Change"/> (done, with what attendees must hear, or refused in domain terms). Seat counters
/// live in <see cref="Inventory"/> (a separate row/sub-document) so catalog edits never contend with a sale rush.
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
    /// <summary>
    /// The event's calendar revision (iCalendar SEQUENCE): up by one whenever attendees are told of a new time or place, and
    /// when the event is cancelled, so a calendar replaces its older copy. Other edits (title, price, …) leave it.
    /// </summary>
    public int CalendarSequence { get; set; }

    /// <summary>
    /// Bookable: the event's seats may be sold (a hold confirmed, or an expired hold's seats taken back by a late payment),
    /// and the catalog lists it: it is published. This and <see cref="OnSaleUntil"/> are the ONE definition of "bookable"
    /// and "on sale": both stores write them beside the event on every save and query the stored values (the setters are
    /// for the stores' mappers only; what is read back is ignored, the value always follows the status and the start).
    /// </summary>
    public bool IsBookable
    {
        get => Status == EventStatus.Published;
        private set { }
    }

    /// <summary>On sale until this instant (the start): new holds are taken before it. Null when the event is not bookable.</summary>
    public DateTimeOffset? OnSaleUntil
    {
        get => IsBookable ? StartsAt : null;
        private set { }
    }

    /// <summary>On sale now: new holds may be placed.</summary>
    public bool IsOnSale(DateTimeOffset now) => IsOnSaleAt(OnSaleUntil, now);

    /// <summary>On sale now, from a stored <see cref="OnSaleUntil"/> (what a store reads back).</summary>
    public static bool IsOnSaleAt(DateTimeOffset? onSaleUntil, DateTimeOffset now) => onSaleUntil > now;

    /// <summary>The status people see: a published event whose end has passed is completed.</summary>
    public EventStatus EffectiveStatus(DateTimeOffset now) =>
        Status == EventStatus.Published && EndsAt <= now ? EventStatus.Completed : Status;

    public bool CanBeChangedBy(Guid? userId, bool isAdmin) => isAdmin || (userId is { } id && id == OrganizerId);

    /// <summary>Puts a draft on sale; publishing a published event again changes nothing.</summary>
    public Change Publish(DateTimeOffset now)
    {
        var refusal = Status switch
        {
            EventStatus.Published => null,
            EventStatus.Draft when StartsAt <= now => "The event has already started.",
            EventStatus.Draft => null,
            _ => $"A {Status.ToString().ToLowerInvariant()} event cannot be published.",
        };
        if (refusal is not null)
        {
            return Change.Refused(EventErrors.InvalidState(refusal));
        }

        if (Status == EventStatus.Published)
        {
            return Change.None;
        }

        Status = EventStatus.Published;
        PublishedAt = now;
        UpdatedAt = now;
        return Change.Done();
    }

    /// <summary>Cancels a draft or an event that has not ended; cancelling again changes nothing.</summary>
    public Change Cancel(string reason, DateTimeOffset now)
    {
        if (Status == EventStatus.Cancelled)
        {
            return Change.None;
        }

        if (Status is not (EventStatus.Draft or EventStatus.Published) || EndsAt <= now)
        {
            return Change.Refused(EventErrors.InvalidState("An event that has ended cannot be cancelled."));
        }

        // Only a published event can have bookings to refund and attendees to tell.
        var announcement = Status == EventStatus.Published ? new Announcement.Cancelled(reason) : null;
        Status = EventStatus.Cancelled;
        CalendarSequence++;
        CancelledAt = now;
        CancellationReason = reason;
        UpdatedAt = now;
        return Change.Done(announcement);
    }

    /// <summary>
    /// Applies an edit: not to a cancelled or ended event, a new start only in the future, the capacity never below the
    /// seats held and sold. Attendees of a published event hear about a new date or venue.
    /// </summary>
    public Change Edit(EventInput input, Inventory inventory, DateTimeOffset now)
    {
        var refusal = Status == EventStatus.Cancelled ? "A cancelled event cannot be changed."
            : EffectiveStatus(now) == EventStatus.Completed ? "An event that has ended cannot be changed."
            : null;
        if (refusal is not null)
        {
            return Change.Refused(EventErrors.InvalidState(refusal));
        }

        if (input.StartsAt != StartsAt && input.StartsAt <= now)
        {
            return Change.Invalid("startsAt", "A new start must be in the future.");
        }

        if (input.Capacity < inventory.Committed)
        {
            return CapacityBelowCommitted(inventory);
        }

        var changed = Apply(input, now);
        if (changed.Count > 0)
        {
            CalendarSequence++;
        }

        return Change.Done(changed.Count == 0 ? null : new Announcement.Updated(changed));
    }

    /// <summary>An event with held or sold seats is cancelled (its bookings refunded), never deleted.</summary>
    public Change Delete(Inventory inventory) =>
        inventory.Committed > 0 ? Change.Refused(EventErrors.HasSales) : Change.Done();

    /// <summary>The refusal of a capacity below the <paramref name="inventory"/>'s held and sold seats (a field error).</summary>
    public static Change CapacityBelowCommitted(Inventory? inventory) =>
        Change.Invalid("capacity", $"The capacity cannot go below the {inventory?.Committed ?? 0} seats already sold or held.");

    public static CatalogEvent Create(Guid organizerId, EventInput input, DateTimeOffset now)
    {
        var created = new CatalogEvent { OrganizerId = organizerId, CreatedAt = now };
        created.Apply(input, now);
        return created;
    }

    /// <summary>Sets the fields and returns which ones attendees must hear about (date or venue of a published event).</summary>
    private List<string> Apply(EventInput input, DateTimeOffset now)
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
}

/// <summary>Seat counters of one event. I1: Sold + Held ≤ Capacity. I2: Capacity = Available + Held + Sold.</summary>
public sealed record Inventory(Guid EventId, int Capacity, int Held, int Sold)
{
    public int Available => Capacity - Held - Sold;

    /// <summary>Seats held or sold: what the capacity may not go below.</summary>
    public int Committed => Held + Sold;
}

/// <summary>The validated fields of a create or update request.</summary>
public sealed record EventInput(
    string Title, string Description, string Venue, string City, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string TimeZone, string Category, int Capacity, decimal Price, string Currency, string? ImageUrl);
