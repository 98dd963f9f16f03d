using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record InventoryServices(IEventStore Store, HoldCoalescer Coalescer, TimeProvider Time);

/// <summary>The internal seat inventory (docs/contracts.md "Inventory"): service identities only.</summary>
public static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/events").WithTags("Inventory").RequireAuthorization(Policies.Internal);
        api.MapGet("/{eventId}", GetInternalEvent).WithName("GetInternalEvent").WithSummary("The facts bookings-api needs about an event.");
        api.MapGet("/{eventId}/inventory", GetInventory).WithName("GetInventory")
            .WithSummary("The seat counters and the active holds of an event, read at one instant (reconciliation).");
        api.MapPut("/{eventId}/holds/{holdId}", PlaceHold).WithName("PlaceHold")
            .WithSummary("Holds seats for a booking: atomic, conditional on the seats left, idempotent per hold id.");
        api.MapPost("/{eventId}/holds/{holdId}/confirm", ConfirmHold).WithName("ConfirmHold")
            .WithSummary("Turns a hold into sold seats (re-acquires an expired hold if seats remain); idempotent.");
        api.MapDelete("/{eventId}/holds/{holdId}", ReleaseHold).WithName("ReleaseHold")
            .WithSummary("Returns a hold's seats (held or sold); idempotent.");
        return app;
    }

    public static async Task<Results<Ok<InternalEventResponse>, ValidationProblem, ProblemHttpResult>> GetInternalEvent(
        string eventId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(eventId, "eventId", out var id, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var item = await services.Store.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return EventsApi.NotFound("event");
        }

        var e = item.Event;
        return TypedResults.Ok(new InternalEventResponse(e.Id, e.Title, e.OrganizerId, e.StartsAt, e.EndsAt,
            e.EffectiveStatus(services.Time.GetUtcNow()), e.Price, e.Currency, item.Inventory.Capacity));
    }

    public static async Task<Results<Ok<InventoryResponse>, ValidationProblem, ProblemHttpResult>> GetInventory(
        string eventId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(eventId, "eventId", out var id, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var snapshot = await services.Store.GetInventorySnapshotAsync(id, cancellationToken);
        return snapshot is null ? EventsApi.NotFound("event") : TypedResults.Ok(InventoryResponse.From(snapshot, services.Time.GetUtcNow()));
    }

    public static async Task<Results<Created<HoldResponse>, Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> PlaceHold(
        string eventId, string holdId, HoldBody? body, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        var errors = ParseIds(eventId, holdId, out var eventGuid, out var holdGuid);
        var now = services.Time.GetUtcNow();
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
            foreach (var (field, messages) in HoldRules.Validate(quantity, expiresAt, now))
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await services.Coalescer.PlaceAsync(eventGuid, new HoldRequest(holdGuid, body!.Quantity!.Value, body.ExpiresAt!.Value.ToUniversalTime()), cancellationToken);
        if (outcome.Hold is null)
        {
            return outcome.Result switch
            {
                PlaceHoldResult.SoldOut => TypedResults.Problem(type: ProblemTypes.SoldOut, title: "Not enough seats left", statusCode: StatusCodes.Status409Conflict),
                PlaceHoldResult.NotOnSale => TypedResults.Problem(type: ProblemTypes.NotOnSale, title: "The event is not on sale",
                    detail: "It is not published, is cancelled or has started.", statusCode: StatusCodes.Status409Conflict),
                PlaceHoldResult.HoldIdConflict => TypedResults.Problem(type: ProblemTypes.HoldConflict, title: "The hold id belongs to another event",
                    statusCode: StatusCodes.Status409Conflict),
                _ => EventsApi.NotFound("event"),
            };
        }

        var item = await services.Store.GetAsync(eventGuid, cancellationToken);
        if (item is null)
        {
            return EventsApi.NotFound("event");
        }

        var response = HoldResponse.From(outcome.Hold, item.Event);
        return outcome.Result == PlaceHoldResult.Created
            ? TypedResults.Created($"/internal/events/{eventGuid}/holds/{holdGuid}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> ConfirmHold(
        string eventId, string holdId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        var errors = ParseIds(eventId, holdId, out var eventGuid, out var holdGuid);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await services.Store.ConfirmHoldAsync(eventGuid, holdGuid, services.Time.GetUtcNow(), cancellationToken);
        var item = await services.Store.GetAsync(eventGuid, cancellationToken);
        return outcome.Result switch
        {
            ConfirmHoldResult.Confirmed when item is not null => TypedResults.Ok(HoldResponse.From(outcome.Hold!, item.Event)),
            ConfirmHoldResult.Expired => TypedResults.Problem(type: ProblemTypes.HoldExpired, title: "The hold expired and its seats are gone",
                detail: "Refund the payment.", statusCode: StatusCodes.Status409Conflict),
            ConfirmHoldResult.Released => TypedResults.Problem(type: ProblemTypes.HoldReleased, title: "The hold was released",
                detail: "Refund the payment.", statusCode: StatusCodes.Status409Conflict),
            _ => EventsApi.NotFound("hold"),
        };
    }

    public static async Task<Results<NoContent, ValidationProblem>> ReleaseHold(
        string eventId, string holdId, [AsParameters] InventoryServices services, CancellationToken cancellationToken)
    {
        var errors = ParseIds(eventId, holdId, out var eventGuid, out var holdGuid);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await services.Store.ReleaseHoldAsync(eventGuid, holdGuid, services.Time.GetUtcNow(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, string[]> ParseIds(string eventId, string holdId, out Guid eventGuid, out Guid holdGuid)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Ids.TryParse(eventId, "eventId", out eventGuid, out var eventErrors))
        {
            errors = eventErrors;
        }

        if (!Ids.TryParse(holdId, "holdId", out holdGuid, out var holdErrors))
        {
            foreach (var (field, messages) in holdErrors)
            {
                errors[field] = messages;
            }
        }

        return errors;
    }
}
