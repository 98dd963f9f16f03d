using System.ComponentModel;
using Events.Api.Infrastructure;
using Events.Api.Model;

namespace Events.Api.Apis;

public sealed record AvailabilityResponse(Guid EventId, int Capacity, int Available, int Held, int Sold)
{
    public static AvailabilityResponse From(Inventory inventory) =>
        new(inventory.EventId, inventory.Capacity, inventory.Available, inventory.Held, inventory.Sold);
}

/// <summary>An event as the catalog shows it. Immutable (so HybridCache shares cached instances instead of deserializing them).</summary>
[ImmutableObject(true)]
public sealed record EventResponse(
    Guid Id, string Title, string Description, string Venue, string City, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string TimeZone, string Category, int Capacity, decimal Price, string Currency, Guid OrganizerId, EventStatus Status,
    string? ImageUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? CancelledAt,
    string? CancellationReason, int Available, int Version)
{
    public static EventResponse From(EventWithInventory item, DateTimeOffset now)
    {
        var e = item.Event;
        return new(e.Id, e.Title, e.Description, e.Venue, e.City, e.StartsAt, e.EndsAt, e.TimeZone, e.Category, e.Capacity, e.Price,
            e.Currency, e.OrganizerId, e.EffectiveStatus(now), e.ImageUrl, e.CreatedAt, e.UpdatedAt, e.PublishedAt, e.CancelledAt,
            e.CancellationReason, item.Inventory.Available, e.Version);
    }
}

public sealed record CancelEventRequest(string? Reason);

public sealed record HoldBody(int? Quantity, DateTimeOffset? ExpiresAt);

public sealed record HoldResponse(
    Guid HoldId, Guid EventId, int Quantity, HoldStatus Status, DateTimeOffset ExpiresAt, decimal UnitPrice, string Currency,
    string EventTitle, DateTimeOffset EventStartsAt, Guid OrganizerId)
{
    public static HoldResponse From(Hold hold, HoldEvent e) =>
        new(hold.HoldId, hold.EventId, hold.Quantity, hold.Status, hold.ExpiresAt, e.Price, e.Currency, e.Title, e.StartsAt, e.OrganizerId);
}

/// <summary>
/// What services need to know of an event, drafts included: bookings-api its times, status, price and capacity;
/// notifications-api its place, description and calendar revision (<c>calendarSequence</c>, the iCalendar SEQUENCE) for the
/// invitation attached to an email.
/// </summary>
public sealed record InternalEventResponse(
    Guid Id, string Title, Guid OrganizerId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, EventStatus Status, decimal Price,
    string Currency, int Capacity, string Venue, string City, string Description, int CalendarSequence);

/// <summary>An event's counters and its held and confirmed holds at one instant (<c>readAt</c>); hold ids are booking ids.</summary>
public sealed record InventoryResponse(Guid EventId, int Capacity, int Held, int Sold, int Available, DateTimeOffset ReadAt, IReadOnlyList<InventoryHold> Holds)
{
    public static InventoryResponse From(InventorySnapshot snapshot, DateTimeOffset now)
    {
        var i = snapshot.Inventory;
        return new(i.EventId, i.Capacity, i.Held, i.Sold, i.Available, now,
            snapshot.ActiveHolds.Select(h => new InventoryHold(h.HoldId, h.Quantity, h.Status, h.ExpiresAt, h.CreatedAt)).ToList());
    }
}

/// <summary>One active hold: <c>Held</c> (awaiting payment) or <c>Confirmed</c> (sold seats).</summary>
public sealed record InventoryHold(Guid HoldId, int Quantity, HoldStatus Status, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt);

public sealed record ReviewRequest(int? Rating, string? Text);

public sealed record ReviewResponse(Guid Id, Guid EventId, Guid UserId, string? UserName, int Rating, string Text, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ReviewResponse From(Review r) => new(r.Id, r.EventId, r.UserId, r.UserName, r.Rating, r.Text, r.CreatedAt, r.UpdatedAt);
}

/// <summary>An event's average rating (two decimals; null without reviews) and how many reviews it has.</summary>
public sealed record ReviewSummaryResponse(double? AverageRating, int Count)
{
    public static ReviewSummaryResponse From(ReviewStats stats) => new(stats.AverageRating, stats.Count);
}
