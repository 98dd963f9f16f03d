using System.Security.Claims;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Events.Api.WaitingRoom;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Events.Api.Apis;

public sealed record WaitingRoomServices(ICatalogStore Catalog, IServiceProvider Services, QueuePasses Passes,
    IOptions<WaitingRoomOptions> Options, TimeProvider Time)
{
    /// <summary>The store, or null where the service runs without Redis (no room can be switched on there).</summary>
    public WaitingRoomStore? Store => Services.GetService<WaitingRoomStore>();
}

/// <summary>
/// An event's virtual waiting room (docs/contracts.md "Waiting room"): buyers join its line, see their place, and are admitted
/// at the organizer's rate with a signed, single-use pass that the event's holds require while the room is on.
/// </summary>
public static class WaitingRoomApi
{
    public const string JoinRateLimit = "queue-join";

    public static IEndpointRouteBuilder MapWaitingRoomApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events/{id}/queue").WithTags("Waiting room");
        api.MapGet("/", GetRoom).WithName("GetWaitingRoom").WithSummary("Whether the event's waiting room is on, its admission rate and its line's length.")
            .WithDescription("Anyone may read it (an event that is not on sale shows its room too). `waiting` is the line's length, `activePasses` " +
                "the admitted buyers whose pass is still unused, `admitted`/`used`/`expired` count passes since the room began.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-room-unavailable");
        api.MapPut("/", ConfigureRoom).WithName("ConfigureWaitingRoom").WithSummary("Switches the event's waiting room on or off and sets its rate (its organizer or an admin).")
            .WithDescription("`admissionsPerMinute` 1–60000 (default: the service's, derived from measured purchase capacity); `passLifetimeSeconds` " +
                "10–3600 (default 180); `opensAt`: admission starts then (none: at once); `earlyArrivals` `FirstCome` (default) or `Randomized`: " +
                "buyers who join before `opensAt` are shuffled ahead of later ones. Switching it off lets every buyer book without a pass; the " +
                "line is kept and admission resumes when it is switched on again. `autoOnAbovePerMinute` (1–1000000, none: never): a room " +
                "left off switches itself on when more holds than that are asked for within a minute (all replicas together, counted within " +
                "about a second); `switchedOnAutomaticallyAt` then says when, and it stays on until switched off.")
            .WithRequestExample(new RoomRequest(true, 600, 180, null, EarlyArrivals.FirstCome, 3000))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-room-unavailable")
            .RequireAuthorization(Policies.Organizer);
        api.MapPost("/", JoinLine).WithName("JoinWaitingRoom").WithSummary("Takes a place at the end of the event's line (one per account).")
            .WithDescription("`201` with the new place; `200` with the place already held (joining again never moves anyone forward). " +
                "Order is arrival at the room: first come, first served. Rate-limited per user (`429`).")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "not-in-line")
            .Refuses(StatusCodes.Status409Conflict, "waiting-room-off")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-room-unavailable")
            .RequireAuthorization(Policies.User)
            .RequireRateLimiting(JoinRateLimit);
        api.MapGet("/me", GetMyPlace).WithName("GetMyWaitingRoomPlace").WithSummary("My place in the line and the estimated wait, or my pass once admitted.")
            .WithDescription("`status` `Waiting` with `position` (1 = next), `ahead` and `estimatedWaitSeconds` (from the admission rate), or " +
                "`Admitted` with `pass` and `passExpiresAt`: send the pass as `queuePass` when booking, before it expires. Poll it " +
                "(`Retry-After` says when it is worth asking again).")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "not-in-line")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-room-unavailable")
            .RequireAuthorization(Policies.User);
        api.MapDelete("/me", LeaveLine).WithName("LeaveWaitingRoom").WithSummary("Leaves the line, or gives up an unused pass: the turn goes to the next buyer.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "not-in-line")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-room-unavailable")
            .RequireAuthorization(Policies.User);
        return app;
    }

    public static async Task<Results<Ok<RoomResponse>, ProblemHttpResult>> GetRoom(
        Guid id, ClaimsPrincipal user, [AsParameters] WaitingRoomServices services, CancellationToken cancellationToken)
    {
        if (await VisibleEventAsync(id, user, services, cancellationToken) is null)
        {
            return Problems.For(EventErrors.NotFound);
        }

        if (services.Store is not { } store)
        {
            return TypedResults.Ok(RoomResponse.Off(services.Options.Value));
        }

        var settings = await store.GetSettingsAsync(id);
        return TypedResults.Ok(RoomResponse.From(settings, await store.GetFiguresAsync(id), services.Options.Value));
    }

    public static async Task<Results<Ok<RoomResponse>, ValidationProblem, ProblemHttpResult>> ConfigureRoom(
        Guid id, RoomRequest? request, ClaimsPrincipal user, [AsParameters] WaitingRoomServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null || !item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()))
        {
            // Someone else's event is not found, like an unknown id (nothing about it is told).
            return Problems.For(EventErrors.NotFound);
        }

        if (request?.Enabled is not { } enabled)
        {
            return Problems.Validation("enabled", "enabled is required (true or false).");
        }

        if (RoomSettings.Validate(request.AdmissionsPerMinute, request.PassLifetimeSeconds, request.AutoOnAbovePerMinute) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        if (services.Store is not { } store)
        {
            return Problems.For(RoomErrors.Unavailable);
        }

        var options = services.Options.Value;
        var settings = new RoomSettings(enabled, request.AdmissionsPerMinute ?? options.DefaultAdmissionsPerMinute,
            request.PassLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.DefaultPassLifetime,
            request.OpensAt?.ToUniversalTime(), request.EarlyArrivals ?? EarlyArrivals.FirstCome, request.AutoOnAbovePerMinute);
        // A room that switched itself on and stays on keeps saying so; switched off (or on by hand), it is the organizer's again.
        if (enabled && await store.GetSettingsAsync(id) is { Enabled: true, SwitchedOnAutomaticallyAt: { } automatically })
        {
            settings = settings with { SwitchedOnAutomaticallyAt = automatically };
        }

        await store.SaveSettingsAsync(id, settings);
        return TypedResults.Ok(RoomResponse.From(settings, await store.GetFiguresAsync(id), options));
    }

    public static async Task<Results<Created<PlaceResponse>, Ok<PlaceResponse>, ProblemHttpResult>> JoinLine(
        Guid id, ClaimsPrincipal user, [AsParameters] WaitingRoomServices services, CancellationToken cancellationToken)
    {
        if (await VisibleEventAsync(id, user, services, cancellationToken) is null)
        {
            return Problems.For(EventErrors.NotFound);
        }

        if (services.Store is not { } store)
        {
            return Problems.For(RoomErrors.RoomOff);
        }

        var userId = user.UserId()!.Value;
        var now = services.Time.GetUtcNow();
        if (await store.JoinAsync(id, userId, now) is not { } joined)
        {
            return Problems.For(RoomErrors.RoomOff);
        }

        // The arrival number is the one this join was given (the buyer may be admitted already by the time the place is read).
        var place = await PlaceAsync(store, id, userId, services, now) is { } p
            ? p with { Arrival = joined.Arrival > 0 ? joined.Arrival : p.Arrival }
            : null;
        if (place is null)
        {
            // Admitted and the pass spent or expired in between: nothing to show but that the buyer is no longer in line.
            return Problems.For(RoomErrors.NotInLine);
        }

        return joined.Added ? TypedResults.Created($"/api/events/{id}/queue/me", place) : TypedResults.Ok(place);
    }

    public static async Task<Results<Ok<PlaceResponse>, ProblemHttpResult>> GetMyPlace(
        Guid id, ClaimsPrincipal user, HttpContext context, [AsParameters] WaitingRoomServices services, CancellationToken cancellationToken)
    {
        if (services.Store is not { } store)
        {
            return Problems.For(RoomErrors.NotInLine);
        }

        var place = await PlaceAsync(store, id, user.UserId()!.Value, services, services.Time.GetUtcNow());
        if (place is null)
        {
            return Problems.For(RoomErrors.NotInLine);
        }

        if (place.Status == PlaceStatus.Waiting)
        {
            context.Response.Headers.RetryAfter = Math.Clamp(place.EstimatedWaitSeconds ?? 1, 1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Ok(place);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> LeaveLine(
        Guid id, ClaimsPrincipal user, [AsParameters] WaitingRoomServices services, CancellationToken cancellationToken)
    {
        return services.Store is { } store && await store.LeaveAsync(id, user.UserId()!.Value)
            ? TypedResults.NoContent()
            : Problems.For(RoomErrors.NotInLine);
    }

    /// <summary>The buyer's place, with the pass signed once admitted; null when not in the line.</summary>
    private static async Task<PlaceResponse?> PlaceAsync(WaitingRoomStore store, Guid eventId, Guid userId, WaitingRoomServices services, DateTimeOffset now)
    {
        var standing = await store.GetStandingAsync(eventId, userId);
        if (standing.Pass is { } pass && pass.ExpiresAt > now)
        {
            return new PlaceResponse(PlaceStatus.Admitted, null, null, standing.Arrival, null, pass.Number, services.Passes.Sign(pass), pass.ExpiresAt);
        }

        if (standing.Position is not { } position)
        {
            return null;
        }

        var settings = await store.GetSettingsAsync(eventId);
        var rate = settings?.AdmissionsPerMinute ?? services.Options.Value.DefaultAdmissionsPerMinute;
        var untilOpening = settings?.OpensAt is { } opens && opens > now ? (opens - now).TotalSeconds : 0;
        var wait = (int)Math.Ceiling(untilOpening + position * 60.0 / rate + services.Options.Value.TickInterval.TotalSeconds);
        return new PlaceResponse(PlaceStatus.Waiting, position, position - 1, standing.Arrival, wait, null, null, null);
    }

    /// <summary>The event if this caller may see it (drafts only to their organizer and admins).</summary>
    private static async Task<CatalogEvent?> VisibleEventAsync(Guid id, ClaimsPrincipal user, WaitingRoomServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        return item is not null && (item.Event.Status != EventStatus.Draft || item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()))
            ? item.Event
            : null;
    }
}

/// <summary>What an organizer sets (see <see cref="RoomSettings"/>); <c>enabled</c> is required, the rest default.</summary>
public sealed record RoomRequest(bool? Enabled, int? AdmissionsPerMinute = null, int? PassLifetimeSeconds = null, DateTimeOffset? OpensAt = null,
    EarlyArrivals? EarlyArrivals = null, int? AutoOnAbovePerMinute = null);

/// <summary>An event's waiting room and its line's figures.</summary>
public sealed record RoomResponse(bool Enabled, int AdmissionsPerMinute, int PassLifetimeSeconds, DateTimeOffset? OpensAt, EarlyArrivals EarlyArrivals,
    long Waiting, long ActivePasses, long Admitted, long Used, long Expired, int? AutoOnAbovePerMinute = null, DateTimeOffset? SwitchedOnAutomaticallyAt = null)
{
    public static RoomResponse Off(WaitingRoomOptions options) =>
        new(false, options.DefaultAdmissionsPerMinute, (int)options.DefaultPassLifetime.TotalSeconds, null, EarlyArrivals.FirstCome, 0, 0, 0, 0, 0);

    public static RoomResponse From(RoomSettings? settings, LineFigures figures, WaitingRoomOptions options) => settings is null
        ? Off(options) with { Waiting = figures.Waiting }
        : new(settings.Enabled, settings.AdmissionsPerMinute, (int)settings.PassLifetime.TotalSeconds, settings.OpensAt, settings.EarlyArrivals,
            figures.Waiting, figures.ActivePasses, figures.Admitted, figures.Used, figures.Expired, settings.AutoOnAbovePerMinute,
            settings.SwitchedOnAutomaticallyAt);
}

public enum PlaceStatus
{
    Waiting,
    Admitted,
}

/// <summary>
/// A buyer's place: <see cref="PlaceStatus.Waiting"/> with <c>position</c> (1 = next), <c>ahead</c>, <c>arrival</c> (the buyer's
/// number in order of arrival) and <c>estimatedWaitSeconds</c>; or <see cref="PlaceStatus.Admitted"/> with the admission number,
/// the <c>pass</c> to book with and its expiry.
/// </summary>
public sealed record PlaceResponse(PlaceStatus Status, long? Position, long? Ahead, long? Arrival, int? EstimatedWaitSeconds,
    long? AdmissionNumber, string? Pass, DateTimeOffset? PassExpiresAt);
