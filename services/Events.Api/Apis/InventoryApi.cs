using Events.Api.Infrastructure;
using Events.Api.Holds;
using Events.Api.Model;
using Events.Api.Seating;
using Events.Api.WaitingList;
using Events.Api.WaitingRoom;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record InventoryServices(ICatalogStore Catalog, IInventoryStore Inventory, HoldCoalescer Coalescer, HoldAdmission Admission, TimeProvider Time,
    IServiceProvider Services)
{
    /// <summary>The waiting lists (null in the MongoDB configuration, which has none).</summary>
    public WaitingListStore? WaitingList => Services.GetService<WaitingListStore>();

    /// <summary>Reserved seating (null in the MongoDB configuration, which has none).</summary>
    public SeatingStore? Seating => Services.GetService<SeatingStore>();
}

/// <summary>The internal seat inventory (docs/contracts.md "Inventory"): service identities only.</summary>
public static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/events").WithTags("Inventory").RequireAuthorization(Policies.Internal);
        api.MapGet("/{eventId}", GetInternalEvent).WithName("GetInternalEvent").WithSummary("The facts other services need about an event.")
            .WithDescription("Organizer, times, status, price and capacity (bookings-api); venue, city, description and calendar revision " +
                "(notifications-api's calendar invitations). Drafts included.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found");
        api.MapGet("/{eventId}/inventory", GetInventory).WithName("GetInventory")
            .WithSummary("The seat counters and the active holds of an event, read at one instant (reconciliation).")
            .WithDescription("`held` is the sum of the `Held` holds and `sold` of the `Confirmed` ones, exactly; hold ids are booking ids. " +
                "Per ticket type likewise: a type's `held`/`sold` is the sum of its lines in those holds.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found");
        api.MapPut("/{eventId}/holds/{holdId}", PlaceHold).WithName("PlaceHold")
            .WithSummary("Holds seats for a booking: atomic, conditional on the seats left, idempotent per hold id.")
            .WithDescription("`201` for a new hold, `200` with the first result when the same hold id comes again (never counted twice). " +
                "Without `lines` the hold takes the event's only ticket type (`422 ticket-type-required` when it sells several); " +
                "with them, seats of each type (a hidden type only when listed in `unlockedTicketTypeIds`), all or nothing. " +
                "The answer's `lines` carry each type's name and unit price; `unitPrice` is the type's for a one-type hold. " +
                "While the event's waiting room is on, the hold needs the buyer's `userId` and their `queuePass` (`403 queue-pass-required`, " +
                "`queue-pass-invalid`, `queue-pass-expired`, `queue-pass-used`, each with a `queue` member naming where to join); the pass is " +
                "spent by this hold (the same hold id again passes) and given back if the hold is refused. " +
                "`waitingListOffer` (the hold id itself) accepts a waiting-list offer: its seats are held already, so the answer is the offer's " +
                "hold (`200`), and only for the buyer it was offered to, with the same seats (`404 waiting-list-offer-not-found`), while it is " +
                "open (`409 waiting-list-offer-expired`); no queue pass is needed. " +
                "On a seated event a line of a seat category's type takes particular seats: its `seatIds` (all or none: `409 seat-not-available` " +
                "names those gone, a seat of another category is a `400` field error) or `bestAvailable` ones (`409 seats-not-together` when " +
                "only a split is left and it is not allowed, `409 sold-out` when too few are left); a line naming neither gets the best " +
                "available, split if need be. The answer's lines carry their `seats` (id, area, row, number). Seats need the PostgreSQL " +
                "store (`503 seating-unavailable`).")
            .WithRequestExample(new HoldBody(2, new DateTimeOffset(2030, 6, 1, 12, 10, 0, TimeSpan.Zero)))
            .Refuses(StatusCodes.Status403Forbidden, RoomErrors.PassRequiredCode, "queue-pass-invalid", "queue-pass-expired", "queue-pass-used")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "ticket-type-not-found", "waiting-list-offer-not-found")
            .Refuses(StatusCodes.Status409Conflict, "sold-out", "not-on-sale", "hold-conflict", "ticket-type-not-on-sale", "waiting-list-offer-expired",
                "seat-not-available", "seats-not-together")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "ticket-type-required", "over-order-limit")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapPost("/{eventId}/holds/{holdId}/confirm", ConfirmHold).WithName("ConfirmHold")
            .WithSummary("Turns a hold into sold seats (re-acquires an expired hold if seats remain); idempotent.")
            .WithDescription("Confirming a confirmed hold answers it again. A seated hold's seats become sold (they keep the hold id: the " +
                "booking's); an expired seated hold is not re-acquired (its seats went back to sale).")
            .Refuses(StatusCodes.Status404NotFound, "hold-not-found")
            .Refuses(StatusCodes.Status409Conflict, "hold-expired", "hold-released");
        api.MapDelete("/{eventId}/holds/{holdId}", ReleaseHold).WithName("ReleaseHold")
            .WithSummary("Returns a hold's seats (held or sold); idempotent.")
            .WithDescription("An unknown or already released hold is `204` too; releasing a confirmed hold returns its sold seats (a cancellation). " +
                "Reserved seats go back to sale.");
        api.MapPost("/{eventId}/holds/{holdId}/seats/move", MoveHoldSeats).WithName("MoveHoldSeats")
            .WithSummary("Moves seats of a hold (a booking's, held or sold) to other seats of the same category, all or none.")
            .WithDescription("Each `from` must be the hold's seat, each `to` available, or another of the hold's seats moved away in the " +
                "same request (a swap); a move keeps the category, so the price and the counters stay as they are. The seats left go " +
                "back to sale at once. The answer is the hold's seats after the move. `400` field errors for a seat not the hold's " +
                "(`moves[i].from`) or of another category (`moves[i].to`); `409 seat-not-available` names the seats taken; " +
                "`404 hold-not-found` for a released, expired or unknown hold, `seat-not-found`, `event-not-seated`.")
            .WithRequestExample(new MoveSeatsRequest([new SeatMoveBody("stalls-F-12", "stalls-F-14")]))
            .Refuses(StatusCodes.Status404NotFound, "hold-not-found", "seat-not-found", "event-not-seated")
            .Refuses(StatusCodes.Status409Conflict, "seat-not-available")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        return app;
    }

    private static readonly string[] NotTheHolds = ["Not a seat of this booking."];
    private static readonly string[] AnotherCategory = ["A seat of another category (another price): a move keeps the category."];

    public static async Task<Results<Ok<HoldSeatsResponse>, ValidationProblem, ProblemHttpResult>> MoveHoldSeats(
        Guid eventId, Guid holdId, MoveSeatsRequest? body, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        if (services.Seating is not { } seating)
        {
            return Problems.For(SeatingErrors.Unavailable);
        }

        if (EventSeatingRules.ValidateMove(body) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var moves = body!.Moves!;
        var result = await seating.MoveHoldSeatsAsync(eventId, holdId, [.. moves.Select(m => new SeatMove(m.From!, m.To!))], services.Time.GetUtcNow(),
            cancellationToken);
        string FieldOf(string side, string seatId) =>
            $"moves[{moves.ToList().FindIndex(m => (side == "from" ? m.From : m.To) == seatId)}].{side}";
        switch (result.Change)
        {
            case SeatingChange.Done:
                await services.Services.GetRequiredService<SeatMapCache>().InvalidateAsync(eventId, cancellationToken);
                var seats = await seating.GetHoldSeatsAsync(eventId, holdId, cancellationToken);
                return TypedResults.Ok(new HoldSeatsResponse(holdId, [.. seats.Select(HoldTypedSeatResponse.From)]));
            case SeatingChange.SeatNotInHold:
                return Problems.Validation(result.SeatIds.ToDictionary(id => FieldOf("from", id), _ => NotTheHolds));
            case SeatingChange.CategoryChanged:
                return Problems.Validation(result.SeatIds.ToDictionary(id => FieldOf("to", id), _ => AnotherCategory));
            case SeatingChange.SeatNotAvailable:
                return Problems.For(HoldErrors.SeatNotAvailable.With("seatIds", result.SeatIds));
            case SeatingChange.SeatNotFound:
                return Problems.For(SeatingErrors.SeatNotFound.With("seatIds", result.SeatIds));
            case SeatingChange.NotSeated:
                return Problems.For(SeatingErrors.NotSeated);
            case SeatingChange.HoldNotFound:
                return Problems.For(HoldErrors.NotFound);
            default:
                return Problems.For(EventErrors.NotFound);
        }
    }

    public static async Task<Results<Ok<InternalEventResponse>, ProblemHttpResult>> GetInternalEvent(
        Guid eventId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(eventId, cancellationToken);
        if (item is null)
        {
            return Problems.For(EventErrors.NotFound);
        }

        var e = item.Event;
        return TypedResults.Ok(new InternalEventResponse(e.Id, e.Title, e.OrganizerId, e.StartsAt, e.EndsAt,
            e.EffectiveStatus(services.Time.GetUtcNow()), e.Price, e.Currency, item.Inventory.Capacity, e.Venue, e.City, e.Description,
            e.CalendarSequence));
    }

    public static async Task<Results<Ok<InventoryResponse>, ProblemHttpResult>> GetInventory(
        Guid eventId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Inventory.GetInventorySnapshotAsync(eventId, cancellationToken);
        return snapshot is null ? Problems.For(EventErrors.NotFound) : TypedResults.Ok(InventoryResponse.From(snapshot, services.Time.GetUtcNow()));
    }

    public static async Task<Results<Created<HoldResponse>, Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> PlaceHold(
        Guid eventId, Guid holdId, HoldBody? body, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        if (ValidationErrors(body, services.Time.GetUtcNow()) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        if (services.Seating is null && body!.Lines?.Any(l => l.SeatIds is not null || l.BestAvailable is not null) == true)
        {
            return Problems.For(SeatingErrors.Unavailable);
        }

        QueuePass? pass = null;
        if (body!.WaitingListOffer is not null)
        {
            // The offer is the admission: its seats are held already, for its buyer only.
            if (await OfferRefusalAsync(eventId, holdId, body, services, cancellationToken) is { } notYours)
            {
                return Problems.For(notYours);
            }
        }
        else
        {
            (var closed, pass) = await services.Admission.AdmitAsync(eventId, holdId, body.UserId, body.QueuePass);
            if (closed is not null)
            {
                return Problems.For(closed);
            }
        }

        var request = ToRequest(holdId, body);
        var outcome = await services.Coalescer.PlaceAsync(eventId, request, cancellationToken);
        if (body.WaitingListOffer is not null && outcome.Hold is { Status: HoldStatus.Expired or HoldStatus.Released })
        {
            return Problems.For(WaitingListErrors.OfferExpired);
        }

        if (outcome.Error is not null || outcome.Result == PlaceHoldResult.SeatNotOfType)
        {
            if (pass is not null)
            {
                await services.Admission.ReturnAsync(pass, holdId);
            }

            return outcome.Error is { } refusal ? Problems.For(refusal) : SeatsNotOfType(body, outcome);
        }

        if (await HoldEventAsync(outcome.Event, eventId, services, cancellationToken) is not { } e)
        {
            return Problems.For(EventErrors.NotFound);
        }

        // Seats to look up: only of a seated event's hold that was there before (a new one's lines carry the seats it took).
        var fresh = outcome.Result == PlaceHoldResult.Created && outcome.Hold!.Lines.All(l => l.SeatIds.Count == 0);
        var response = HoldResponse.From(outcome.Hold!, e, fresh || e.Seated == false ? [] : await HoldSeatsAsync(eventId, holdId, services, cancellationToken));
        return outcome.Result == PlaceHoldResult.Created
            ? TypedResults.Created($"/internal/events/{eventId}/holds/{holdId}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<HoldResponse>, ProblemHttpResult>> ConfirmHold(
        Guid eventId, Guid holdId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        var outcome = await services.Coalescer.ConfirmAsync(eventId, holdId, cancellationToken);
        if (outcome.Error is { } refusal)
        {
            return Problems.For(refusal);
        }

        return await HoldEventAsync(outcome.Event, eventId, services, cancellationToken) is { } e
            ? TypedResults.Ok(HoldResponse.From(outcome.Hold!, e, e.Seated == false ? [] : await HoldSeatsAsync(eventId, holdId, services, cancellationToken)))
            : Problems.For(HoldErrors.NotFound);
    }

    /// <summary>A hold's reserved seats (none without reserved seating).</summary>
    private static async Task<IReadOnlyList<HeldSeat>> HoldSeatsAsync(Guid eventId, Guid holdId, InventoryServices services, CancellationToken cancellationToken) =>
        services.Seating is { } seating ? await seating.GetHoldSeatsAsync(eventId, holdId, cancellationToken) : [];

    /// <summary>The field error of a line whose seats are not its ticket type's (or that asks for seats of a type without any).</summary>
    private static ValidationProblem SeatsNotOfType(HoldBody body, PlaceHoldOutcome outcome)
    {
        var index = body.Lines?.ToList().FindIndex(l => l.TicketTypeId == outcome.TicketTypeId) ?? -1;
        var line = index >= 0 ? body.Lines![index] : null;
        return line?.SeatIds is { Count: > 0 }
            ? Problems.Validation($"lines[{index}].seatIds", $"Not seats of this ticket type's category: {string.Join(", ", outcome.SeatIds)}.")
            : Problems.Validation($"lines[{Math.Max(index, 0)}].bestAvailable", "This ticket type has no reserved seats (it is held by count).");
    }

    /// <summary>
    /// Why a hold may not accept the waiting-list offer it names: the offer must be the hold id, of this event, offered to this
    /// buyer (<c>userId</c>) for the same seats (quantity, and the lines when given), and still open; null when it may.
    /// </summary>
    private static async Task<Error?> OfferRefusalAsync(Guid eventId, Guid holdId, HoldBody body, InventoryServices services, CancellationToken cancellationToken)
    {
        if (services.WaitingList is not { } list)
        {
            return WaitingListErrors.Unavailable;
        }

        var entry = body.WaitingListOffer == holdId ? await list.GetByOfferAsync(holdId, cancellationToken) : null;
        var quantity = body.Quantity ?? body.Lines!.Sum(l => LineQuantity(l)!.Value);
        var linesMatch = body.Lines is not { Count: > 0 } lines
            || (lines is [var only] && only.TicketTypeId == entry?.TicketTypeId && only.Quantity == quantity);
        if (entry is null || entry.EventId != eventId || entry.UserId != body.UserId || entry.Quantity != quantity || !linesMatch
            || entry.Status == WaitingListStatus.Waiting)
        {
            return WaitingListErrors.OfferNotFound;
        }

        return entry.Status is WaitingListStatus.Offered or WaitingListStatus.Booked ? null : WaitingListErrors.OfferExpired;
    }

    /// <summary>The hold a valid body asks for.</summary>
    private static HoldRequest ToRequest(Guid holdId, HoldBody body) =>
        new(holdId, body.Quantity ?? body.Lines!.Sum(l => LineQuantity(l)!.Value), body.ExpiresAt!.Value.ToUniversalTime())
        {
            Lines = body.Lines?.Select(l => new HoldLineRequest(l.TicketTypeId!.Value, LineQuantity(l)!.Value)
            {
                SeatIds = l.SeatIds,
                BestAvailable = l.BestAvailable is { } b ? new SeatPreferences(b.AllowSplit, b.WheelchairSpaces, b.AllowRestrictedView) : null,
            }).ToList() ?? [],
            UnlockedTicketTypeIds = body.UnlockedTicketTypeIds?.ToHashSet() ?? [],
        };

    /// <summary>The body's field errors: a quantity (or lines that make it), an expiry, well-formed lines, at most 50 unlocked types.</summary>
    private static Dictionary<string, string[]> ValidationErrors(HoldBody? body, DateTimeOffset now)
    {
        var lines = body?.Lines ?? [];
        if (lines.Any(l => l.TicketTypeId is null || LineQuantity(l) is null))
        {
            return new() { ["lines"] = ["Each line needs a ticketTypeId and a quantity (or seatIds)."] };
        }

        var quantity = body?.Quantity ?? (lines.Count > 0 ? lines.Sum(l => LineQuantity(l)!.Value) : null);
        if (quantity is null)
        {
            return new() { ["quantity"] = ["The quantity is required."] };
        }

        if (body!.ExpiresAt is not { } expiresAt)
        {
            return new() { ["expiresAt"] = ["The expiry is required."] };
        }

        var errors = HoldRules.Validate(quantity.Value, expiresAt, now);
        foreach (var (field, messages) in HoldRules.ValidateLines([.. lines.Select(l => new HoldLineRequest(l.TicketTypeId!.Value, LineQuantity(l)!.Value))], body.Quantity))
        {
            errors[field] = messages;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            foreach (var (field, message) in SeatErrors(lines[i]))
            {
                errors[$"lines[{i}].{field}"] = [message];
            }
        }

        if (body.UnlockedTicketTypeIds is { Count: > 50 })
        {
            errors["unlockedTicketTypeIds"] = ["At most 50."];
        }

        return errors;
    }

    /// <summary>A line's quantity: as given, else the count of its seats (null when neither says).</summary>
    private static int? LineQuantity(HoldLineBody line) => line.Quantity ?? line.SeatIds?.Count;

    /// <summary>A line's seat wishes that cannot be asked: seats named and best available at once, empty, repeated or blank ids, a count that
    /// is not the quantity, a party too large to seat together, more wheelchair spaces than seats.</summary>
    private static IEnumerable<(string Field, string Message)> SeatErrors(HoldLineBody line)
    {
        if (line.SeatIds is { } ids)
        {
            if (line.BestAvailable is not null)
            {
                yield return ("bestAvailable", "Name the seats or ask for the best available, not both.");
            }

            if (ids.Count == 0 || ids.Any(string.IsNullOrWhiteSpace) || ids.Any(id => id.Length > 100))
            {
                yield return ("seatIds", "Seat ids of the event's seat map (1 to 100 characters each), at least one.");
            }
            else if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
            {
                yield return ("seatIds", "Each seat at most once.");
            }
            else if (line.Quantity is { } quantity && quantity != ids.Count)
            {
                yield return ("seatIds", $"{ids.Count} seats named for a quantity of {quantity}: name as many seats as the quantity (or leave it out).");
            }
        }

        if (line.BestAvailable is { } best)
        {
            if (!best.AllowSplit && line.Quantity > BestAvailableRequest.MaxPartySize)
            {
                yield return ("bestAvailable.allowSplit", $"At most {BestAvailableRequest.MaxPartySize} seats side by side: allow a split for more.");
            }

            if (best.WheelchairSpaces < 0 || best.WheelchairSpaces > Math.Min(line.Quantity ?? 0, BestAvailableRequest.MaxPartySize))
            {
                yield return ("bestAvailable.wheelchairSpaces", $"0 to the quantity (at most {BestAvailableRequest.MaxPartySize}).");
            }
        }
    }

    /// <summary>The event as the hold's own statement read it, else (a repeated hold, or a store that does not read it) from the catalog.</summary>
    private static async Task<HoldEvent?> HoldEventAsync(HoldEvent? read, Guid eventId, InventoryServices services, CancellationToken cancellationToken) =>
        read ?? (await services.Catalog.GetAsync(eventId, cancellationToken) is { } item ? HoldEvent.Of(item.Event) : null);

    public static async Task<NoContent> ReleaseHold(
        Guid eventId, Guid holdId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        await services.Inventory.ReleaseHoldAsync(eventId, holdId, services.Time.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }
}
