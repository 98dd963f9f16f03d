using System.Security.Claims;
using Events.Api.Caching;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Events.Api.Seating;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record TicketTypeServices(ICatalogStore Catalog, ITicketTypeStore TicketTypes, CatalogCache Cache, TimeProvider Time);

/// <summary>An event's ticket types: anyone reads the public ones; its organizer or an admin reads them all and changes them.</summary>
public static class TicketTypesApi
{
    public static IEndpointRouteBuilder MapTicketTypesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events/{id}/ticket-types").WithTags("Ticket types");
        api.MapGet("/", GetTicketTypes).WithName("GetTicketTypes")
            .WithSummary("The event's ticket types with their price, live seats available and whether they are on sale now.")
            .WithDescription("Hidden types (sold only with a code that unlocks them) are listed to the event's organizer and admins only, " +
                "who also see each type's seats held and sold. A type that shares the event's capacity has the event's seats available; " +
                "one with its own has at most its own rest.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found");
        api.MapPost("/", AddTicketType).WithName("AddTicketType").WithSummary("Adds a ticket type (its organizer or an admin).")
            .WithDescription("Price in the event's currency (the event's displayed price becomes its cheapest public type's); capacity " +
                "left out to share the event's; `maxPerOrder` 1–20 (default 20); `visibility` `Public` (default) or `Hidden`.")
            .WithRequestExample(Example)
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "event-seated")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapPut("/{typeId}", UpdateTicketType).WithName("UpdateTicketType").WithSummary("Replaces a ticket type's fields (its organizer or an admin).")
            .WithDescription("Every field is sent. The capacity cannot go below the type's seats already sold or held (`400` naming `capacity`).")
            .WithRequestExample(Example)
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "ticket-type-not-found")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapDelete("/{typeId}", DeleteTicketType).WithName("DeleteTicketType").WithSummary("Removes a ticket type without sold or held seats.")
            .WithDescription("`409 has-sales` while seats of it are sold or held; `409 last-ticket-type` for the event's only type.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "ticket-type-not-found")
            .Refuses(StatusCodes.Status409Conflict, "has-sales", "last-ticket-type", "event-seated")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        return app;
    }

    private static readonly TicketTypeRequest Example = new("VIP", "Front rows and a drink.", 80.00m, "EUR", 50,
        new DateTimeOffset(2030, 5, 1, 9, 0, 0, TimeSpan.Zero), null, 4, TicketTypeVisibility.Public, 2);

    public static async Task<Results<Ok<IReadOnlyList<TicketTypeResponse>>, ProblemHttpResult>> GetTicketTypes(
        Guid id, ClaimsPrincipal user, [AsParameters] TicketTypeServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null || !(item.Event.Status != EventStatus.Draft || item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin())))
        {
            return Problems.For(EventErrors.NotFound);
        }

        var manager = item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin());
        var types = await services.TicketTypes.ListAsync(id, cancellationToken);
        return TypedResults.Ok(TicketTypeResponse.List(item, types, manager, services.Time.GetUtcNow()));
    }

    public static async Task<Results<Created<TicketTypeResponse>, ValidationProblem, ProblemHttpResult>> AddTicketType(
        Guid id, TicketTypeRequest? request, ClaimsPrincipal user, [AsParameters] TicketTypeServices services, CancellationToken cancellationToken)
    {
        var (item, refusal) = await ManagedEventAsync(id, user, services, cancellationToken);
        if (item is null)
        {
            return refusal!;
        }

        var (input, errors) = TicketTypeRules.Validate(request, item.Event);
        if (input is null)
        {
            return Problems.Validation(errors);
        }

        var now = services.Time.GetUtcNow();
        var created = TicketTypeRules.Create(item.Event, input, now);
        var change = await services.TicketTypes.AddAsync(created, cancellationToken);
        await services.Cache.InvalidateAsync(id, cancellationToken);
        return change.Result switch
        {
            TicketTypeChangeResult.Done => TypedResults.Created($"/api/events/{id}/ticket-types/{created.Id}", TicketTypeResponse.From(created, item, manager: true, now)),
            TicketTypeChangeResult.Seated => Problems.For(SeatingErrors.EventSeated),
            _ => Problems.For(EventErrors.NotFound),
        };
    }

    public static async Task<Results<Ok<TicketTypeResponse>, ValidationProblem, ProblemHttpResult>> UpdateTicketType(
        Guid id, Guid typeId, TicketTypeRequest? request, ClaimsPrincipal user, [AsParameters] TicketTypeServices services, CancellationToken cancellationToken)
    {
        var (item, refusal) = await ManagedEventAsync(id, user, services, cancellationToken);
        if (item is null)
        {
            return refusal!;
        }

        var current = (await services.TicketTypes.ListAsync(id, cancellationToken)).FirstOrDefault(t => t.Id == typeId);
        if (current is null)
        {
            return Problems.For(TicketTypeErrors.NotFound);
        }

        var (input, errors) = TicketTypeRules.Validate(request, item.Event);
        if (input is null)
        {
            return Problems.Validation(errors);
        }

        var now = services.Time.GetUtcNow();
        var change = await services.TicketTypes.UpdateAsync(TicketTypeRules.Apply(current, input, now), cancellationToken);
        await services.Cache.InvalidateAsync(id, cancellationToken);
        switch (change.Result)
        {
            case TicketTypeChangeResult.Done:
                break;
            case TicketTypeChangeResult.CapacityBelowCommitted:
                return Problems.Validation(TicketTypeRules.CapacityBelowCommitted(change.Committed));
            case TicketTypeChangeResult.EventNotFound:
                return Problems.For(EventErrors.NotFound);
            case TicketTypeChangeResult.SeatedCapacity:
                return Problems.Validation("capacity", SeatingErrors.SeatedCapacity);
            default:
                return Problems.For(TicketTypeErrors.NotFound);
        }

        var saved = (await services.TicketTypes.ListAsync(id, cancellationToken)).FirstOrDefault(t => t.Id == typeId);
        var reread = await services.Catalog.GetAsync(id, cancellationToken);
        return saved is null || reread is null
            ? Problems.For(TicketTypeErrors.NotFound)
            : TypedResults.Ok(TicketTypeResponse.From(saved, reread, manager: true, now));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTicketType(
        Guid id, Guid typeId, ClaimsPrincipal user, [AsParameters] TicketTypeServices services, CancellationToken cancellationToken)
    {
        var (item, refusal) = await ManagedEventAsync(id, user, services, cancellationToken);
        if (item is null)
        {
            return refusal!;
        }

        var change = await services.TicketTypes.DeleteAsync(id, typeId, cancellationToken);
        await services.Cache.InvalidateAsync(id, cancellationToken);
        return change.Result switch
        {
            TicketTypeChangeResult.Done => TypedResults.NoContent(),
            TicketTypeChangeResult.HasSales => Problems.For(TicketTypeErrors.HasSales),
            TicketTypeChangeResult.LastType => Problems.For(TicketTypeErrors.LastType),
            TicketTypeChangeResult.Seated => Problems.For(SeatingErrors.EventSeated),
            TicketTypeChangeResult.EventNotFound => Problems.For(EventErrors.NotFound),
            _ => Problems.For(TicketTypeErrors.NotFound),
        };
    }

    /// <summary>The event, when it exists and the caller may change it (its organizer or an admin); else the refusal.</summary>
    private static async Task<(EventWithInventory? Item, ProblemHttpResult? Refusal)> ManagedEventAsync(
        Guid id, ClaimsPrincipal user, TicketTypeServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return (null, Problems.For(EventErrors.NotFound));
        }

        return item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()) ? (item, null) : (null, Problems.For(EventErrors.NotYours));
    }
}
