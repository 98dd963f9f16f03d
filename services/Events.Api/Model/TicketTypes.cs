namespace Events.Api.Model;

public enum TicketTypeVisibility
{
    /// <summary>Listed and sold to anyone.</summary>
    Public = 0,
    /// <summary>Not listed; sold only to a hold that names it among its unlocked types (bookings-api: what a promo code unlocks).</summary>
    Hidden = 1,
}

/// <summary>
/// One kind of ticket of an event ("Early bird", "Standard", "VIP"): its price (in the event's currency), its own seat cap
/// or none (<see cref="Capacity"/> null: it shares the event's), a sales window, a per-order limit and a visibility. Its
/// counters keep I1/I2 per type as the event's keep them per event: <c>Held + Sold ≤ Capacity</c> when capped, and the
/// event's own <c>held + sold ≤ capacity</c> over every type.
/// </summary>
public sealed record TicketType(
    Guid Id, Guid EventId, string Name, string? Description, decimal Price, string Currency, int? Capacity, int Held, int Sold,
    DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd, int MaxPerOrder, TicketTypeVisibility Visibility, int SortOrder,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The name of the one type an event gets when it is created (and every event had before types existed).</summary>
    public const string DefaultName = "Standard";

    /// <summary>Seats held or sold of this type: what its own capacity may not go below.</summary>
    public int Committed => Held + Sold;

    /// <summary>Seats of this type still for sale: its own cap's rest, never more than the event's <paramref name="eventAvailable"/>.</summary>
    public int AvailableWithin(int eventAvailable) =>
        Math.Max(0, Capacity is { } cap ? Math.Min(cap - Committed, eventAvailable) : eventAvailable);

    /// <summary>Inside its sales window at <paramref name="now"/> (an open end is no limit).</summary>
    public bool IsInSalesWindow(DateTimeOffset now) => (SalesStart is null || SalesStart <= now) && (SalesEnd is null || now < SalesEnd);

    /// <summary>The single type of a new event: its price and currency, sharing the event's capacity, public, on sale with the event.</summary>
    public static TicketType DefaultOf(CatalogEvent e) => new(Guid.CreateVersion7(), e.Id, DefaultName, null, e.Price, e.Currency, null, 0, 0,
        null, null, HoldRules.MaxQuantity, TicketTypeVisibility.Public, 0, e.CreatedAt, e.CreatedAt);

    /// <summary>The event's "from" price: its cheapest public type's (null when none is public: the event keeps its price).</summary>
    public static decimal? FromPrice(IEnumerable<TicketType> types) =>
        types.Where(t => t.Visibility == TicketTypeVisibility.Public).Select(t => (decimal?)t.Price).Min();
}

/// <summary>A ticket type's validated fields (create or full replace).</summary>
public sealed record TicketTypeInput(
    string Name, string? Description, decimal Price, string Currency, int? Capacity, DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd,
    int MaxPerOrder, TicketTypeVisibility Visibility, int SortOrder);

/// <summary>The body of <c>POST</c>/<c>PUT /api/events/{id}/ticket-types</c>.</summary>
public sealed record TicketTypeRequest(
    string? Name, string? Description, decimal? Price, string? Currency, int? Capacity, DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd,
    int? MaxPerOrder, TicketTypeVisibility? Visibility, int? SortOrder);

public static class TicketTypeRules
{
    public const int MaxName = 80;
    public const int MaxDescription = 500;

    /// <summary>
    /// Checks the fields that need no stored state (name 1–80, price ≥ 0 with ≤ 2 decimals, the event's currency, a capacity of
    /// at most the event's, start before end, 1–<see cref="HoldRules.MaxQuantity"/> per order); the store checks the capacity
    /// against the seats held and sold, atomically with the change.
    /// </summary>
    public static (TicketTypeInput? Input, Dictionary<string, string[]> Errors) Validate(TicketTypeRequest? request, CatalogEvent e)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body is required."];
            return (null, errors);
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["The name is required."];
        }
        else if (name.Length > MaxName)
        {
            errors["name"] = [$"At most {MaxName} characters."];
        }
        else if (InputRules.Text(name, multiline: false) is { } unsafeName)
        {
            errors["name"] = [unsafeName];
        }

        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (description is { Length: > MaxDescription })
        {
            errors["description"] = [$"At most {MaxDescription} characters."];
        }
        else if (InputRules.Text(description, multiline: true) is { } unsafeDescription)
        {
            errors["description"] = [unsafeDescription];
        }

        if (request.Price is not { } price)
        {
            errors["price"] = ["The price is required (0 for a free ticket)."];
        }
        else if (price < 0 || price > EventValidation.MaxPrice || decimal.Round(price, 2) != price)
        {
            errors["price"] = [$"The price must be between 0 and {EventValidation.MaxPrice} with at most two decimals."];
        }

        var currency = string.IsNullOrWhiteSpace(request.Currency) ? e.Currency : request.Currency.Trim();
        if (!string.Equals(currency, e.Currency, StringComparison.Ordinal))
        {
            errors["currency"] = [$"An event sells in one currency: {e.Currency}."];
        }

        if (request.Capacity is { } capacity && (capacity < 1 || capacity > e.Capacity))
        {
            errors["capacity"] = [$"The capacity must be between 1 and the event's capacity ({e.Capacity}), or left out to share the event's."];
        }

        if (request.SalesStart is { } start && request.SalesEnd is { } end && start >= end)
        {
            errors["salesEnd"] = ["The end of the sales must be after their start."];
        }

        var maxPerOrder = request.MaxPerOrder ?? HoldRules.MaxQuantity;
        if (maxPerOrder is < 1 or > HoldRules.MaxQuantity)
        {
            errors["maxPerOrder"] = [$"Between 1 and {HoldRules.MaxQuantity} tickets per order."];
        }

        if (request.Visibility is { } v && !Enum.IsDefined(v))
        {
            errors["visibility"] = ["Public or Hidden."];
        }

        if (request.SortOrder is < 0 or > 1000)
        {
            errors["sortOrder"] = ["Between 0 and 1000."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new TicketTypeInput(name!, description, request.Price!.Value, currency, request.Capacity, request.SalesStart?.ToUniversalTime(),
            request.SalesEnd?.ToUniversalTime(), maxPerOrder, request.Visibility ?? TicketTypeVisibility.Public, request.SortOrder ?? 0), errors);
    }

    /// <summary>A new type of <paramref name="e"/>.</summary>
    public static TicketType Create(CatalogEvent e, TicketTypeInput input, DateTimeOffset now) => new(Guid.CreateVersion7(), e.Id, input.Name,
        input.Description, input.Price, input.Currency, input.Capacity, 0, 0, input.SalesStart, input.SalesEnd, input.MaxPerOrder, input.Visibility,
        input.SortOrder, now, now);

    /// <summary><paramref name="current"/> with the new fields (its counters stay).</summary>
    public static TicketType Apply(TicketType current, TicketTypeInput input, DateTimeOffset now) => current with
    {
        Name = input.Name, Description = input.Description, Price = input.Price, Currency = input.Currency, Capacity = input.Capacity,
        SalesStart = input.SalesStart, SalesEnd = input.SalesEnd, MaxPerOrder = input.MaxPerOrder, Visibility = input.Visibility,
        SortOrder = input.SortOrder, UpdatedAt = now,
    };

    /// <summary>The refusal of a type's capacity below its seats held and sold (a field error).</summary>
    public static Dictionary<string, string[]> CapacityBelowCommitted(int committed) =>
        new() { ["capacity"] = [$"The capacity cannot go below the {committed} seats of this type already sold or held."] };
}

public static class TicketTypeErrors
{
    public static Error NotFound { get; } = Error.NotFound("ticket-type");

    public static Error HasSales { get; } =
        new("has-sales", ErrorKind.Conflict, "Seats of this ticket type are sold or held: it cannot be removed.");

    public static Error LastType { get; } =
        new("last-ticket-type", ErrorKind.Conflict, "An event keeps at least one ticket type.");
}
