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

/// <summary>A page of results. Immutable: <c>Items</c> is never changed once built (HybridCache shares cached pages).</summary>
[ImmutableObject(true)]
public sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount);

public sealed record CancelEventRequest(string? Reason);

public sealed record HoldBody(int? Quantity, DateTimeOffset? ExpiresAt);

public sealed record HoldResponse(
    Guid HoldId, Guid EventId, int Quantity, HoldStatus Status, DateTimeOffset ExpiresAt, decimal UnitPrice, string Currency,
    string EventTitle, DateTimeOffset EventStartsAt, Guid OrganizerId)
{
    public static HoldResponse From(Hold hold, CatalogEvent e) =>
        new(hold.HoldId, hold.EventId, hold.Quantity, hold.Status, hold.ExpiresAt, e.Price, e.Currency, e.Title, e.StartsAt, e.OrganizerId);
}

public sealed record InternalEventResponse(
    Guid Id, string Title, Guid OrganizerId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, EventStatus Status, decimal Price,
    string Currency, int Capacity);

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

public sealed record EventReviewsResponse(IReadOnlyList<ReviewResponse> Items, int Page, int PageSize, long TotalCount, double? AverageRating, int Count);

/// <summary>Problem types (RFC 9457) the services agree on; the last segment names the reason.</summary>
public static class ProblemTypes
{
    private const string Base = "https://eventbooking.dev/problems/";
    public const string SoldOut = Base + "sold-out";
    public const string NotOnSale = Base + "not-on-sale";
    public const string HoldExpired = Base + "hold-expired";
    public const string HoldReleased = Base + "hold-released";
    public const string HoldConflict = Base + "hold-conflict";
    public const string NotFound = Base + "not-found";
    public const string Forbidden = Base + "forbidden";
    public const string InvalidState = Base + "invalid-state";
    public const string Concurrency = Base + "concurrent-change";
    public const string HasSales = Base + "has-sales";
    public const string NotEligible = Base + "not-eligible";
}

internal static class Ids
{
    /// <summary>Parses a route id; a malformed one is a field error, not a 404.</summary>
    public static bool TryParse(string? value, string field, out Guid id, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (Guid.TryParse(value, out id) && id != Guid.Empty)
        {
            return true;
        }

        errors[field] = ["Not a valid id (expected a GUID)."];
        return false;
    }
}
