using System.Security.Claims;
using Events.Api.Caching;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Events.Api.Seating;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record EventSeatingServices(ICatalogStore Catalog, ITicketTypeStore TicketTypes, CatalogCache Cache, SeatMapCache Seats,
    IServiceProvider Services, TimeProvider Time)
{
    /// <summary>The store, or null in the MongoDB configuration (no seating there).</summary>
    public SeatingStore? Store => Services.GetService<SeatingStore>();
}

/// <summary>
/// An event on a venue plan (docs/seating.md): its organizer puts it on a plan before sales begin (the seats are copied, the ticket
/// types become one per category and per standing area), blocks and releases seats; anyone reads the seat map and, polling, which
/// seats are gone.
/// </summary>
public static class EventSeatingApi
{
    public static IEndpointRouteBuilder MapEventSeatingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events/{id}/seating").WithTags("Seating");
        api.MapPut("/", PutEventOnPlan).WithName("PutEventOnPlan").WithSummary("Puts the event on a venue plan (its organizer or an admin), before sales.")
            .WithDescription("Copies the plan's seats into the event (later edits of the plan do not move them). `prices` gives every seat " +
                "category and every general-admission area of the plan a ticket type: an existing one (`ticketTypeId`) or a new one (`price`, " +
                "`name`). The event's ticket types become exactly these, each with the capacity of its seats (or its area), and the event's " +
                "capacity their sum. Again on another plan while nothing is sold; `409 has-sales` once seats are held or sold.")
            .WithRequestExample(new EventSeatingRequest(Guid.Parse("0193a5f0-0000-7000-8000-000000000001"),
                [new SeatingPriceRequest("stalls-a", null, null, "Stalls A", 60m), new SeatingPriceRequest(null, "standing", null, null, 25m)]))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "has-sales", "invalid-state")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapGet("/", GetSeatMap).WithName("GetSeatMap").WithSummary("The event's seat map: areas, seats with places, categories with prices, availability.")
            .WithDescription("Compact: per reserved area one array per seat property (`seats.ids[i]`, `seats.x[i]` …), `category` an index into " +
                "`categories`, `flags` 1 wheelchair space + 2 companion seat + 4 restricted view, `available` false for a seat held, sold or " +
                "blocked. At most 1 s old (`Catalog:AvailabilityCacheDuration`). A draft's map is its organizer's and admins' only.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "event-not-seated")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapGet("/availability", GetSeatAvailability).WithName("GetSeatAvailability")
            .WithSummary("Which seats are gone (ids) and the places left per standing area, with a version; poll it about once a second.")
            .WithDescription("At most 1 s old; `version` grows with every seat change, so an unchanged version means an unchanged list.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "event-not-seated")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapGet("/blocked", GetBlockedSeats).WithName("GetBlockedSeats").WithSummary("The event's blocked seats and why (its organizer or an admin).")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "event-not-seated")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsRead, eventRouteValue: "id");
        api.MapPost("/block", BlockSeats).WithName("BlockSeats").WithSummary("Blocks available seats (press, technical, kills) with a reason, all or none.")
            .WithDescription("A blocked seat is not for sale: it leaves its ticket type's capacity and the event's. `409 seat-not-available` names " +
                "the seats held or sold; `409 seats-committed` when the seats of a category still for sale are fewer than those blocked.")
            .WithRequestExample(new BlockSeatsRequest(["stalls-A-1", "stalls-A-2"], "Press"))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "event-not-seated", "seat-not-found")
            .Refuses(StatusCodes.Status409Conflict, "seat-not-available", "seats-committed")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapPost("/release", ReleaseSeats).WithName("ReleaseSeats").WithSummary("Puts blocked seats back on sale (seats not blocked are left as they are).")
            .WithRequestExample(new BlockSeatsRequest(["stalls-A-1"]))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "event-not-seated", "seat-not-found")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        return app;
    }

    public static async Task<Results<Ok<SeatMapResponse>, ValidationProblem, ProblemHttpResult>> PutEventOnPlan(
        Guid id, EventSeatingRequest? request, ClaimsPrincipal user, [AsParameters] EventSeatingServices services, CancellationToken cancellationToken)
    {
        var (item, refusal) = await ManagedEventAsync(id, user, services, cancellationToken);
        if (item is null)
        {
            return refusal!;
        }

        if (request?.PlanId is not { } planId)
        {
            return Problems.Validation("planId", "The plan to put the event on.");
        }

        var store = services.Store!;
        var plan = await store.GetPlanAsync(planId, cancellationToken);
        if (plan is null || plan.OrganizerId != item.Event.OrganizerId)
        {
            // The plan is the event organizer's own (an admin too puts an event only on a plan of its organizer's).
            return Problems.Validation("planId", "No such plan of the event's organizer.");
        }

        if (item.Event.Status == EventStatus.Cancelled)
        {
            return Problems.For(SeatingErrors.EventCancelled);
        }

        if (item.Inventory.Committed > 0)
        {
            return Problems.For(SeatingErrors.EventHasSales);
        }

        var now = services.Time.GetUtcNow();
        var types = await services.TicketTypes.ListAsync(id, cancellationToken);
        var (seating, errors) = EventSeatingRules.Resolve(item.Event, plan, types, request, now);
        if (seating is null)
        {
            return Problems.Validation(errors);
        }

        var change = await store.ApplyAsync(seating, now, cancellationToken);
        await services.Cache.InvalidateAsync(id, cancellationToken);
        await services.Seats.InvalidateAsync(id, cancellationToken);
        if (change != SeatingChange.Done)
        {
            return change == SeatingChange.HasSales ? Problems.For(SeatingErrors.EventHasSales) : Problems.For(EventErrors.NotFound);
        }

        var map = await SeatMapCache.BuildMapAsync(services.Services, id, cancellationToken);
        return map is null ? Problems.For(EventErrors.NotFound) : TypedResults.Ok(map);
    }

    public static async Task<Results<CachedJson<SeatMapResponse>, ProblemHttpResult>> GetSeatMap(
        Guid id, ClaimsPrincipal user, [AsParameters] EventSeatingServices services, CancellationToken cancellationToken)
    {
        if (services.Store is null)
        {
            return Problems.For(SeatingErrors.Unavailable);
        }

        var cached = await services.Seats.MapAsync(id, cancellationToken);
        return await ServeAsync<SeatMapResponse>(id, cached, user, services, cancellationToken);
    }

    public static async Task<Results<CachedJson<SeatAvailabilityResponse>, ProblemHttpResult>> GetSeatAvailability(
        Guid id, ClaimsPrincipal user, [AsParameters] EventSeatingServices services, CancellationToken cancellationToken)
    {
        if (services.Store is null)
        {
            return Problems.For(SeatingErrors.Unavailable);
        }

        var cached = await services.Seats.AvailabilityAsync(id, cancellationToken);
        return await ServeAsync<SeatAvailabilityResponse>(id, cached, user, services, cancellationToken);
    }

    public static async Task<Results<Ok<IReadOnlyList<BlockedSeatResponse>>, ProblemHttpResult>> GetBlockedSeats(
        Guid id, ClaimsPrincipal user, [AsParameters] EventSeatingServices services, CancellationToken cancellationToken)
    {
        var (item, refusal) = await ManagedEventAsync(id, user, services, cancellationToken);
        if (item is null)
        {
            return refusal!;
        }

        var map = await services.Store!.GetSeatMapAsync(id, cancellationToken);
        return map is null
            ? Problems.For(SeatingErrors.NotSeated)
            : TypedResults.Ok<IReadOnlyList<BlockedSeatResponse>>([.. map.Seats.Where(s => s.Status == SeatStatus.Blocked)
                .Select(s => new BlockedSeatResponse(s.SeatId, s.AreaId, s.RowLabel, s.NumberLabel, s.BlockReason!, s.UpdatedAt))]);
    }

    public static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> BlockSeats(
        Guid id, BlockSeatsRequest? request, ClaimsPrincipal user, [AsParameters] EventSeatingServices services, CancellationToken cancellationToken) =>
        ChangeSeatsAsync(id, request, blocking: true, user, services, cancellationToken);

    public static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReleaseSeats(
        Guid id, BlockSeatsRequest? request, ClaimsPrincipal user, [AsParameters] EventSeatingServices services, CancellationToken cancellationToken) =>
        ChangeSeatsAsync(id, request, blocking: false, user, services, cancellationToken);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangeSeatsAsync(Guid id, BlockSeatsRequest? request,
        bool blocking, ClaimsPrincipal user, EventSeatingServices services, CancellationToken cancellationToken)
    {
        var (item, refusal) = await ManagedEventAsync(id, user, services, cancellationToken);
        if (item is null)
        {
            return refusal!;
        }

        if (EventSeatingRules.ValidateBlock(request, blocking) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var now = services.Time.GetUtcNow();
        var result = blocking
            ? await services.Store!.BlockAsync(id, request!.SeatIds!, request.Reason!.Trim(), now, cancellationToken)
            : await services.Store!.ReleaseAsync(id, request!.SeatIds!, now, cancellationToken);
        if (result.Change == SeatingChange.Done)
        {
            await services.Cache.InvalidateAsync(id, cancellationToken);
            await services.Seats.InvalidateAsync(id, cancellationToken);
            return TypedResults.NoContent();
        }

        return result.Change switch
        {
            SeatingChange.SeatNotFound => Problems.For(SeatingErrors.SeatNotFound.With("seatIds", result.SeatIds)),
            SeatingChange.SeatNotAvailable => Problems.For(SeatingErrors.SeatNotAvailable.With("seatIds", result.SeatIds)),
            SeatingChange.SeatsCommitted => Problems.For(SeatingErrors.SeatsCommitted.With("seatIds", result.SeatIds)),
            SeatingChange.NotSeated => Problems.For(SeatingErrors.NotSeated),
            _ => Problems.For(EventErrors.NotFound),
        };
    }

    /// <summary>A cached answer, to anyone when the event is not a draft; else to its organizer and admins only.</summary>
    private static async Task<Results<CachedJson<T>, ProblemHttpResult>> ServeAsync<T>(Guid id, CachedSeating? cached, ClaimsPrincipal user,
        EventSeatingServices services, CancellationToken cancellationToken)
    {
        if (cached is null)
        {
            return await services.Catalog.GetAsync(id, cancellationToken) is { } item && (item.Event.Status != EventStatus.Draft
                || item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()))
                ? Problems.For(SeatingErrors.NotSeated)
                : Problems.For(EventErrors.NotFound);
        }

        if (!cached.Public && !(await services.Catalog.GetAsync(id, cancellationToken) is { } draft && draft.Event.CanBeChangedBy(user.UserId(), user.IsAdmin())))
        {
            return Problems.For(EventErrors.NotFound);
        }

        return new CachedJson<T>(cached.Json);
    }

    /// <summary>The event, when it exists and the caller may change it (its organizer or an admin); else the refusal.</summary>
    private static async Task<(EventWithInventory? Item, ProblemHttpResult? Refusal)> ManagedEventAsync(
        Guid id, ClaimsPrincipal user, EventSeatingServices services, CancellationToken cancellationToken)
    {
        if (services.Store is null)
        {
            return (null, Problems.For(SeatingErrors.Unavailable));
        }

        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return (null, Problems.For(EventErrors.NotFound));
        }

        return item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()) ? (item, null) : (null, Problems.For(EventErrors.NotYours));
    }
}

/// <summary>A blocked seat and why.</summary>
public sealed record BlockedSeatResponse(string SeatId, string AreaId, string Row, string Number, string Reason, DateTimeOffset BlockedAt);
