using Events.Api.Infrastructure;
using Events.Api.Holds;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record InventoryServices(ICatalogStore Catalog, IInventoryStore Inventory, HoldCoalescer Coalescer, TimeProvider Time);

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
            .WithDescription("`held` is the sum of the `Held` holds and `sold` of the `Confirmed` ones, exactly; hold ids are booking ids.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found");
        api.MapPut("/{eventId}/holds/{holdId}", PlaceHold).WithName("PlaceHold")
            .WithSummary("Holds seats for a booking: atomic, conditional on the seats left, idempotent per hold id.")
            .WithDescription("`201` for a new hold, `200` with the first result when the same hold id comes again (never counted twice).")
            .WithRequestExample(new HoldBody(2, new DateTimeOffset(2030, 6, 1, 12, 10, 0, TimeSpan.Zero)))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "sold-out", "not-on-sale", "hold-conflict");
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
        var errors = new Dictionary<string, string[]>();
        if (body?.Quantity is not { } quantity)
        {
            errors["quantity"] = ["The quantity is required."];
        }
        else if (body.ExpiresAt is not { } expiresAt)
        {
            errors["expiresAt"] = ["The expiry is required."];
        }
        else
        {
            errors = HoldRules.Validate(quantity, expiresAt, services.Time.GetUtcNow());
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var request = new HoldRequest(holdId, body!.Quantity!.Value, body.ExpiresAt!.Value.ToUniversalTime());
        var outcome = await services.Coalescer.PlaceAsync(eventId, request, cancellationToken);
        if (outcome.Error is { } refusal)
        {
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
