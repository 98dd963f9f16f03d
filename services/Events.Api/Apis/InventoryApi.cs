using Events.Api.Infrastructure;
using Events.Api.Holds;
using Events.Api.Model;
using Events.Api.WaitingList;
using Events.Api.WaitingRoom;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record InventoryServices(ICatalogStore Catalog, IInventoryStore Inventory, HoldCoalescer Coalescer, HoldAdmission Admission, TimeProvider Time,
    IServiceProvider Services)
{
    /// <summary>The waiting lists (null in the MongoDB configuration, which has none).</summary>
    public WaitingListStore? WaitingList => Services.GetService<WaitingListStore>();
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
                "open (`409 waiting-list-offer-expired`); no queue pass is needed.")
            .WithRequestExample(new HoldBody(2, new DateTimeOffset(2030, 6, 1, 12, 10, 0, TimeSpan.Zero)))
            .Refuses(StatusCodes.Status403Forbidden, RoomErrors.PassRequiredCode, "queue-pass-invalid", "queue-pass-expired", "queue-pass-used")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "ticket-type-not-found", "waiting-list-offer-not-found")
            .Refuses(StatusCodes.Status409Conflict, "sold-out", "not-on-sale", "hold-conflict", "ticket-type-not-on-sale", "waiting-list-offer-expired")
            .Refuses(StatusCodes.Status422UnprocessableEntity, "ticket-type-required", "over-order-limit");
        api.MapPost("/{eventId}/holds/{holdId}/confirm", ConfirmHold).WithName("ConfirmHold")
            .WithSummary("Turns a hold into sold seats (re-acquires an expired hold if seats remain); idempotent.")
            .WithDescription("Confirming a confirmed hold answers it again.")
            .Refuses(StatusCodes.Status404NotFound, "hold-not-found")
            .Refuses(StatusCodes.Status409Conflict, "hold-expired", "hold-released");
        api.MapDelete("/{eventId}/holds/{holdId}", ReleaseHold).WithName("ReleaseHold")
            .WithSummary("Returns a hold's seats (held or sold); idempotent.")
            .WithDescription("An unknown or already released hold is `204` too; releasing a confirmed hold returns its sold seats (a cancellation).");
        return app;
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

        if (outcome.Error is { } refusal)
        {
            if (pass is not null)
            {
                await services.Admission.ReturnAsync(pass, holdId);
            }

            return Problems.For(refusal);
        }

        if (await HoldEventAsync(outcome.Event, eventId, services, cancellationToken) is not { } e)
        {
            return Problems.For(EventErrors.NotFound);
        }

        var response = HoldResponse.From(outcome.Hold!, e);
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
            ? TypedResults.Ok(HoldResponse.From(outcome.Hold!, e))
            : Problems.For(HoldErrors.NotFound);
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
        var quantity = body.Quantity ?? body.Lines!.Sum(l => l.Quantity!.Value);
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
        new(holdId, body.Quantity ?? body.Lines!.Sum(l => l.Quantity!.Value), body.ExpiresAt!.Value.ToUniversalTime())
        {
            Lines = body.Lines?.Select(l => new HoldLineRequest(l.TicketTypeId!.Value, l.Quantity!.Value)).ToList() ?? [],
            UnlockedTicketTypeIds = body.UnlockedTicketTypeIds?.ToHashSet() ?? [],
        };

    /// <summary>The body's field errors: a quantity (or lines that make it), an expiry, well-formed lines, at most 50 unlocked types.</summary>
    private static Dictionary<string, string[]> ValidationErrors(HoldBody? body, DateTimeOffset now)
    {
        var lines = body?.Lines ?? [];
        if (lines.Any(l => l.TicketTypeId is null || l.Quantity is null))
        {
            return new() { ["lines"] = ["Each line needs a ticketTypeId and a quantity."] };
        }

        var quantity = body?.Quantity ?? (lines.Count > 0 ? lines.Sum(l => l.Quantity!.Value) : null);
        if (quantity is null)
        {
            return new() { ["quantity"] = ["The quantity is required."] };
        }

        if (body!.ExpiresAt is not { } expiresAt)
        {
            return new() { ["expiresAt"] = ["The expiry is required."] };
        }

        var errors = HoldRules.Validate(quantity.Value, expiresAt, now);
        foreach (var (field, messages) in HoldRules.ValidateLines([.. lines.Select(l => new HoldLineRequest(l.TicketTypeId!.Value, l.Quantity!.Value))], body.Quantity))
        {
            errors[field] = messages;
        }

        if (body.UnlockedTicketTypeIds is { Count: > 50 })
        {
            errors["unlockedTicketTypeIds"] = ["At most 50."];
        }

        return errors;
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
