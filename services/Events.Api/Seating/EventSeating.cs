using Events.Api.Model;

namespace Events.Api.Seating;

/// <summary>Where one seat of an event stands. Only <see cref="Available"/> seats can be held, and only available seats blocked.</summary>
public enum SeatStatus
{
    Available = 0,
    Held = 1,
    Sold = 2,
    Blocked = 3,
}

/// <summary>
/// The body of <c>PUT /api/events/{id}/seating</c>: the plan, and what each of its categories (reserved seats) and each
/// general-admission area sells as: an existing ticket type of the event (<c>ticketTypeId</c>, its price kept unless
/// <c>price</c> is given) or a new one (<c>price</c>, <c>name</c> defaulting to the category's or area's).
/// </summary>
public sealed record EventSeatingRequest(Guid? PlanId, IReadOnlyList<SeatingPriceRequest>? Prices);

/// <summary>One category (<c>category</c>) or one general-admission area (<c>area</c>), never both.</summary>
public sealed record SeatingPriceRequest(string? Category, string? Area, Guid? TicketTypeId, string? Name, decimal? Price);

/// <summary>What a ticket type of a seated event sells: the seats of one category, or one general-admission area.</summary>
public sealed record SeatLink(string? Category, string? Area);

/// <summary>A ticket type as a seated event will have it: its capacity is the count of its seats (or the area's capacity).</summary>
public sealed record SeatedTicketType(TicketType Type, SeatLink Link, bool IsNew);

/// <summary>An area as a seated event keeps it (the seats are rows of <c>event_seats</c>).</summary>
public sealed record EventArea(string Id, string Name, AreaKind Kind, int? Capacity, Guid? TicketTypeId);

/// <summary>A category as a seated event keeps it, with the ticket type that sells it.</summary>
public sealed record EventCategory(string Key, string Name, string? Color, Guid TicketTypeId);

/// <summary>What putting an event on a plan writes: the areas, categories, seats (copied) and the event's ticket types.</summary>
public sealed record EventSeatingPlan(Guid EventId, Guid PlanId, string PlanName, IReadOnlyList<EventArea> Areas,
    IReadOnlyList<EventCategory> Categories, IReadOnlyList<(string AreaId, PlanSeat Seat)> Seats, IReadOnlyList<SeatedTicketType> TicketTypes)
{
    /// <summary>The event's capacity on the plan: every present seat plus every general-admission area's capacity.</summary>
    public int Capacity => TicketTypes.Sum(t => t.Type.Capacity ?? 0);
}

/// <summary>
/// The rules of putting an event on a plan. Each category with present seats and each general-admission area must be sold by
/// exactly one ticket type, and a type sells one of them only; a type's capacity becomes its seat count (or the area's
/// capacity), the event's the sum. The event's other types are removed (it has no sales, so none has any seat held or sold).
/// </summary>
public static class EventSeatingRules
{
    public static (EventSeatingPlan? Plan, Dictionary<string, string[]> Errors) Resolve(CatalogEvent e, VenuePlan plan,
        IReadOnlyList<TicketType> types, EventSeatingRequest request, DateTimeOffset now)
    {
        var errors = new PlanRules.Errors();
        var content = plan.Content;
        var categoriesInUse = content.Areas.Where(a => a.Kind == AreaKind.Reserved).SelectMany(a => a.PresentSeats)
            .Select(s => s.Category).ToHashSet(StringComparer.Ordinal);
        var gaAreas = content.Areas.Where(a => a.Kind == AreaKind.GeneralAdmission).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var byLink = new Dictionary<SeatLink, SeatedTicketType>();
        var usedTypes = new HashSet<Guid>();
        var prices = request.Prices ?? [];
        for (var i = 0; i < prices.Count; i++)
        {
            var p = prices[i];
            var path = $"prices[{i}]";
            if (p is null || (p.Category is null) == (p.Area is null))
            {
                errors.Add(path, "Name either a category or a general-admission area.");
                continue;
            }

            SeatLink link;
            string defaultName;
            int capacity;
            if (p.Category is { } key)
            {
                if (content.Categories.FirstOrDefault(c => c.Key == key) is not { } category || !categoriesInUse.Contains(key))
                {
                    errors.Add($"{path}.category", $"The plan has no seats of category '{key}'.");
                    continue;
                }

                link = new SeatLink(key, null);
                defaultName = category.Name;
                capacity = content.Areas.Where(a => a.Kind == AreaKind.Reserved).SelectMany(a => a.PresentSeats).Count(s => s.Category == key);
            }
            else
            {
                if (!gaAreas.TryGetValue(p.Area!, out var area))
                {
                    errors.Add($"{path}.area", $"The plan has no general-admission area '{p.Area}'.");
                    continue;
                }

                link = new SeatLink(null, area.Id);
                defaultName = area.Name;
                capacity = area.Capacity!.Value;
            }

            if (byLink.ContainsKey(link))
            {
                errors.Add(path, "Priced twice.");
                continue;
            }

            if (p.Price is { } price && (price < 0 || price > EventValidation.MaxPrice || decimal.Round(price, 2) != price))
            {
                errors.Add($"{path}.price", $"The price must be between 0 and {EventValidation.MaxPrice} with at most two decimals.");
                continue;
            }

            var name = string.IsNullOrWhiteSpace(p.Name) ? defaultName : p.Name.Trim();
            if (name.Length > TicketTypeRules.MaxName || InputRules.Text(name, multiline: false) is not null)
            {
                errors.Add($"{path}.name", $"A ticket type's name is 1–{TicketTypeRules.MaxName} plain characters.");
                continue;
            }

            if (p.TicketTypeId is { } typeId)
            {
                if (types.FirstOrDefault(t => t.Id == typeId) is not { } existing)
                {
                    errors.Add($"{path}.ticketTypeId", "No such ticket type on this event.");
                    continue;
                }

                if (!usedTypes.Add(typeId))
                {
                    errors.Add($"{path}.ticketTypeId", "A ticket type sells one category or area only.");
                    continue;
                }

                byLink[link] = new SeatedTicketType(existing with
                {
                    Name = string.IsNullOrWhiteSpace(p.Name) ? existing.Name : name, Price = p.Price ?? existing.Price, Capacity = capacity,
                    UpdatedAt = now,
                }, link, IsNew: false);
            }
            else if (p.Price is null)
            {
                errors.Add($"{path}.price", "The price of a new ticket type is required (or name an existing one with ticketTypeId).");
            }
            else
            {
                var created = new TicketType(Guid.CreateVersion7(), e.Id, name, null, p.Price.Value, e.Currency, capacity, 0, 0, null, null,
                    HoldRules.MaxQuantity, TicketTypeVisibility.Public, byLink.Count, now, now);
                byLink[link] = new SeatedTicketType(created, link, IsNew: true);
            }
        }

        foreach (var key in categoriesInUse.Order(StringComparer.Ordinal).Where(k => !byLink.ContainsKey(new SeatLink(k, null))))
        {
            errors.Add("prices", $"The category '{key}' has seats but no price.");
        }

        foreach (var id in gaAreas.Keys.Order(StringComparer.Ordinal).Where(a => !byLink.ContainsKey(new SeatLink(null, a))))
        {
            errors.Add("prices", $"The general-admission area '{id}' has no price.");
        }

        var total = byLink.Values.Sum(t => (long)(t.Type.Capacity ?? 0));
        if (errors.Count == 0 && total < 1)
        {
            errors.Add("planId", "The plan has no seats and no standing capacity.");
        }
        else if (total > EventValidation.MaxCapacity)
        {
            errors.Add("planId", $"An event has at most {EventValidation.MaxCapacity} places.");
        }

        if (errors.Count > 0)
        {
            return (null, errors.Fields);
        }

        var categories = content.Categories.Where(c => categoriesInUse.Contains(c.Key))
            .Select(c => new EventCategory(c.Key, c.Name, c.Color, byLink[new SeatLink(c.Key, null)].Type.Id)).ToList();
        var areas = content.Areas.Select(a => new EventArea(a.Id, a.Name, a.Kind, a.Capacity,
            a.Kind == AreaKind.GeneralAdmission ? byLink[new SeatLink(null, a.Id)].Type.Id : null)).ToList();
        var seats = content.Areas.Where(a => a.Kind == AreaKind.Reserved).SelectMany(a => a.PresentSeats.Select(s => (a.Id, s))).ToList();
        return (new EventSeatingPlan(e.Id, plan.Id, content.Name, areas, categories, seats, [.. byLink.Values]), errors.Fields);
    }

    /// <summary>The field errors of a move of a hold's seats, by <see cref="SeatMoves"/>'s rules (those bookings-api applies first).</summary>
    public static Dictionary<string, string[]> ValidateMove(MoveSeatsRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        SeatMoves.Validate(request?.Moves, errors);
        return errors;
    }

    /// <summary>The field errors of a block or release request (1–1000 distinct seat ids; a block's reason 1–200 characters).</summary>
    public static Dictionary<string, string[]> ValidateBlock(BlockSeatsRequest? request, bool blocking)
    {
        var errors = new PlanRules.Errors();
        if (request?.SeatIds is not { Count: > 0 and <= 1000 } ids)
        {
            errors.Add("seatIds", "Between 1 and 1000 seat ids.");
        }
        else if (ids.Any(string.IsNullOrEmpty) || ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            errors.Add("seatIds", "Seat ids are distinct and not empty.");
        }

        if (blocking)
        {
            var reason = request?.Reason?.Trim();
            if (string.IsNullOrEmpty(reason) || reason.Length > 200)
            {
                errors.Add("reason", "Why the seats are blocked (press, technical, kill…): 1–200 characters.");
            }
            else if (InputRules.Text(reason, multiline: false) is { } unsafeReason)
            {
                errors.Add("reason", unsafeReason);
            }
        }

        return errors.Fields;
    }
}

/// <summary>Seats of a hold moved to others: <c>{ moves: [{ from, to }] }</c>.</summary>
public sealed record MoveSeatsRequest(IReadOnlyList<SeatMoveBody>? Moves);

/// <summary>The body of blocking (<c>reason</c> required) or releasing seats of an event.</summary>
public sealed record BlockSeatsRequest(IReadOnlyList<string>? SeatIds, string? Reason = null);
