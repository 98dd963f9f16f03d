using System.Security.Claims;
using Events.Api.Analytics;
using Events.Api.Caching;
using Events.Api.Infrastructure;
using Events.Api.IntegrationEvents;
using Events.Api.Model;
using Events.Api.Seating;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Events.Api.Apis;

public sealed record CatalogServices(ICatalogStore Catalog, IInventoryStore Inventory, ITicketTypeStore TicketTypes, CatalogCache Cache,
    SignalCollector Signals, TimeProvider Time);

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events").WithTags("Events");
        api.MapGet("/", SearchEvents).WithName("SearchEvents")
            .WithSummary("Searches published, upcoming events (full text, category, city, venue, dates, price, availability; paged and sorted).")
            .WithDescription("`sort` is `date` (default), `-date`, `price`, `-price`, `title` or `relevance`. A page may be seconds old; " +
                "the seat counts on it are live. `totalCount` counts at most 10 pages past the page asked for: when there are " +
                "more, `totalCountIsLowerBound` is true and it means \"at least\" (show \"220+\"); a later page counts further.");
        api.MapGet("/{id}", GetEvent).WithName("GetEvent").WithSummary("One event; drafts only for their organizer or an admin.")
            .WithDescription("A draft is `404` to everyone else, like an unknown id.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found");
        api.MapGet("/{id}/availability", GetAvailability).WithName("GetAvailability").WithSummary("Live seat counts: capacity, available, held, sold.")
            .WithDescription("Straight from the seat counters, never cached; `ticketTypes` gives each type's seats available (public types; " +
                "all of them for the event's organizer or an admin).")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found");
        api.MapPost("/", CreateEvent).WithName("CreateEvent").WithSummary("Creates a draft event (organizers).")
            .WithDescription("The event is a draft, visible to its organizer and admins only, until it is published.")
            .WithRequestExample(ExampleEvent)
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite);
        api.MapPut("/{id}", UpdateEvent).WithName("UpdateEvent").WithSummary("Edits an event (its organizer or an admin).")
            .WithDescription("Every field is sent. The capacity cannot go below the seats already sold or held (`400` naming `capacity`); " +
                "attendees are told about changes of time or place. The currency applies to every ticket type; the price sets the " +
                "event's only ticket type's, and is ignored (the cheapest public type's stays) when the event sells several.")
            .WithRequestExample(ExampleEvent)
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "invalid-state", "concurrent-update")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapDelete("/{id}", DeleteEvent).WithName("DeleteEvent").WithSummary("Deletes an event without sold or held seats.")
            .WithDescription("An event with sold or held seats is cancelled instead (`409 has-sales`), so its bookings are refunded.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "has-sales")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapPost("/{id}/publish", PublishEvent).WithName("PublishEvent").WithSummary("Puts a draft on sale.")
            .WithDescription("Publishing a published event changes nothing; a cancelled or past one is `409 invalid-state`.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "invalid-state", "concurrent-update")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");
        api.MapPost("/{id}/cancel", CancelEvent).WithName("CancelEvent").WithSummary("Cancels an event; bookings are refunded and attendees told.")
            .WithDescription("The reason is shown to attendees. bookings-api refunds every booking when it hears `event.cancelled`.")
            .WithRequestExample(new CancelEventRequest("The venue is closed for repairs."))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "invalid-state", "concurrent-update")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsWrite, eventRouteValue: "id");

        app.MapGet("/api/organizers/me/events", GetMyEvents).WithTags("Events").WithName("GetMyEvents")
            .WithSummary("The caller's events, drafts included, latest start first; paged.").RequireAuthorization(Policies.Organizer)
            .AllowApiToken(ApiTokenScopes.EventsRead);
        app.MapGet("/api/categories", GetCategories).WithTags("Events").WithName("GetCategories").WithSummary("The event categories.")
            .WithDescription("The ids `category` accepts in searches and event bodies, with their display names.");
        return app;
    }

    private static readonly EventRequest ExampleEvent = new("Jazz at the harbour", "An evening of standards by the water.", "Harbour Hall",
        "Lisbon", new DateTimeOffset(2030, 6, 1, 20, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 6, 1, 23, 0, 0, TimeSpan.Zero),
        "Europe/Lisbon", "music", 300, 25.00m, "EUR", null);

    public static Ok<IReadOnlyList<Category>> GetCategories() => TypedResults.Ok(Categories.All);

    public static async Task<Results<CachedJson<Paged<EventResponse>>, ValidationProblem>> SearchEvents(
        [AsParameters] CatalogServices services,
        string? q, string? category, string? city, string? venue, DateTimeOffset? from, DateTimeOffset? to,
        decimal? minPrice, decimal? maxPrice, bool? onlyAvailable, string? sort, [AsParameters] PageQuery paging,
        ClaimsPrincipal user, [FromHeader(Name = VisitorHeaders.VisitorId)] string? visitor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (q is { Length: > 200 }) { errors["q"] = ["At most 200 characters."]; }
        if (category is not null && !Categories.Exists(category)) { errors["category"] = ["Unknown category."]; }
        if (city is { Length: > EventValidation.MaxCity }) { errors["city"] = ["Too long."]; }
        if (venue is { Length: > EventValidation.MaxVenue }) { errors["venue"] = ["Too long."]; }
        if (from is not null && to is not null && to < from) { errors["to"] = ["Must not be before 'from'."]; }
        if (minPrice < 0) { errors["minPrice"] = ["Must not be negative."]; }
        if (minPrice is not null && maxPrice is not null && maxPrice < minPrice) { errors["maxPrice"] = ["Must not be below 'minPrice'."]; }
        paging.Validate(errors);
        EventSort? parsedSort = sort switch
        {
            null or "" or "date" => EventSort.Date,
            "-date" => EventSort.DateDescending,
            "price" => EventSort.Price,
            "-price" => EventSort.PriceDescending,
            "title" => EventSort.Title,
            "relevance" => EventSort.Relevance,
            _ => null,
        };
        if (parsedSort is null) { errors["sort"] = ["One of: date, -date, price, -price, title, relevance."]; }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var query = new EventQuery
        {
            Text = q, Category = category, City = city, Venue = venue, From = from, To = to, MinPrice = minPrice, MaxPrice = maxPrice,
            OnlyAvailable = onlyAvailable ?? false, Sort = parsedSort!.Value, Page = paging.Number, PageSize = paging.Size(),
        };
        // The page may be seconds old; the seats on it are not (see CatalogCache).
        var time = services.Time;
        Func<IServiceProvider, CancellationToken, ValueTask<Paged<EventResponse>>> load = async (scope, ct) =>
        {
            var now = time.GetUtcNow();
            return (await scope.GetRequiredService<ICatalogStore>().SearchAsync(query, now, ct)).Select(i => EventResponse.From(i, now));
        };
        var served = await services.Cache.SearchJsonAsync(query, load, cancellationToken);

        // Analytics (queued, never waited for): the search, and an impression of each event on the page.
        var (userId, visitorId, at) = (user.UserId(), VisitorHeaders.VisitorOf(visitor), time.GetUtcNow());
        services.Signals.Record(new Signal(SignalKind.Search, null, userId, visitorId, at, Query: userId is null ? null : q?.Trim(),
            Results: served.EventIds.Length));
        foreach (var eventId in served.EventIds)
        {
            services.Signals.Record(new Signal(SignalKind.Impression, eventId, null, null, at));
        }

        return new CachedJson<Paged<EventResponse>>(served.Utf8Json);
    }

    public static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetEvent(
        Guid id, ClaimsPrincipal user, [AsParameters] CatalogServices services, [FromHeader(Name = VisitorHeaders.VisitorId)] string? visitor,
        [FromHeader(Name = VisitorHeaders.Prerender)] string? prerender, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        EventResponse? found;
        var readThrough = MayManageEvents(user);
        if (readThrough)
        {
            // Organizers and admins read through: their own changes show at once.
            var item = await services.Catalog.GetAsync(id, cancellationToken);
            found = item is null ? null : EventResponse.From(item, now);
        }
        else
        {
            found = await services.Cache.GetEventAsync(id, async (scope, ct) =>
            {
                var item = await scope.GetRequiredService<ICatalogStore>().GetAsync(id, ct);
                return item is null ? null : EventResponse.From(item, now);
            }, cancellationToken);
        }

        if (found is null || !IsVisibleTo(user, found.Status, found.OrganizerId))
        {
            return Problems.For(EventErrors.NotFound);
        }

        // A view, queued for analytics (never waited for): not the organizer's or an admin's own look, nor the web's prerender.
        if (prerender is null && found.Status != EventStatus.Draft && user.UserId() != found.OrganizerId && !user.IsAdmin())
        {
            services.Signals.Record(new Signal(SignalKind.View, id, user.UserId(), VisitorHeaders.VisitorOf(visitor), now));
        }

        // A cached event may be seconds old; its seats are not (see CatalogCache). Read-through copies are live already.
        return TypedResults.Ok(readThrough ? found : await services.Cache.WithSeatsAsync(found, cancellationToken));
    }

    public static async Task<Results<Ok<AvailabilityResponse>, ProblemHttpResult>> GetAvailability(
        Guid id, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        // Live: straight from the counters, never cached. Drafts stay private to their organizer and admins.
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null || !IsVisibleTo(user, item.Event.Status, item.Event.OrganizerId))
        {
            return Problems.For(EventErrors.NotFound);
        }

        var manager = item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin());
        var types = (await services.TicketTypes.ListAsync(id, cancellationToken)).Where(t => manager || t.Visibility == TicketTypeVisibility.Public);
        return TypedResults.Ok(AvailabilityResponse.From(item.Inventory, types));
    }

    public static async Task<Results<Created<EventResponse>, ValidationProblem>> CreateEvent(
        EventRequest? request, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var (input, errors) = EventValidation.Validate(request, now, isNew: true);
        if (input is null)
        {
            return Problems.Validation(errors);
        }

        var created = CatalogEvent.Create(user.UserId()!.Value, input, now);
        await services.Catalog.CreateAsync(created, cancellationToken);
        await services.Cache.InvalidateAsync(created.Id, cancellationToken);
        var response = EventResponse.From(new EventWithInventory(created, new Inventory(created.Id, created.Capacity, 0, 0)), now);
        return TypedResults.Created($"/api/events/{created.Id}", response);
    }

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> UpdateEvent(
        Guid id, EventRequest? request, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        var (input, errors) = EventValidation.Validate(request, services.Time.GetUtcNow(), isNew: false);
        if (input is null)
        {
            return Problems.Validation(errors);
        }

        // A seated event's capacity is its seats' and standing places' (docs/seating.md): the store refuses to change it (asked in
        // the save's transaction, after the counters row is locked); the other fields change as ever.
        return await ChangeAsync(id, user, services, (item, now) => item.Event.Edit(input, item.Inventory, now), cancellationToken);
    }

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> PublishEvent(
        Guid id, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken) =>
        await ChangeAsync(id, user, services, (item, now) => item.Event.Publish(now), cancellationToken);

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> CancelEvent(
        Guid id, [FromBody] CancelEventRequest? request, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        var (reason, errors) = EventValidation.ValidateCancellation(request?.Reason);
        return reason is null
            ? Problems.Validation(errors)
            : await ChangeAsync(id, user, services, (item, now) => item.Event.Cancel(reason, now), cancellationToken);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteEvent(
        Guid id, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return Problems.For(EventErrors.NotFound);
        }

        if (!item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()))
        {
            return Problems.For(EventErrors.NotYours);
        }

        if (item.Event.Delete(item.Inventory).Error is { } refusal)
        {
            return Problems.For(refusal);
        }

        // The store checks the seats again, atomically with the delete.
        var result = await services.Catalog.DeleteAsync(id, cancellationToken);
        await services.Cache.InvalidateAsync(id, cancellationToken);
        return result switch
        {
            DeleteResult.Deleted => TypedResults.NoContent(),
            DeleteResult.HasSeatsCommitted => Problems.For(EventErrors.HasSales),
            _ => Problems.For(EventErrors.NotFound),
        };
    }

    public static async Task<Results<Ok<Paged<EventResponse>>, ValidationProblem>> GetMyEvents(
        [AsParameters] PageQuery paging, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        if (paging.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var now = services.Time.GetUtcNow();
        var mine = await services.Catalog.ListByOrganizerAsync(user.UserId()!.Value, paging, cancellationToken);
        return TypedResults.Ok(mine.Select(i => EventResponse.From(i, now)));
    }

    /// <summary>
    /// One way to change an event: load it, check the caller may change it, let the model decide (<paramref name="decide"/>),
    /// save what changed with its integration events (only if the version read is still current), drop the cached copies.
    /// </summary>
    private static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid id, ClaimsPrincipal user, CatalogServices services, Func<EventWithInventory, DateTimeOffset, Change> decide,
        CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return Problems.For(EventErrors.NotFound);
        }

        var current = item.Event;
        if (!current.CanBeChangedBy(user.UserId(), user.IsAdmin()))
        {
            return Problems.For(EventErrors.NotYours);
        }

        var version = current.Version;
        var change = decide(item, now);
        if (Refusal(change) is { } refusal)
        {
            return refusal;
        }

        if (change.Changed)
        {
            var integrationEvents = EventAnnouncements.IntegrationEvents(current, change.Announcement, now);
            var result = await services.Catalog.SaveAsync(current, version, integrationEvents, cancellationToken);
            await services.Cache.InvalidateAsync(id, cancellationToken);
            Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>? saved = result switch
            {
                SaveResult.Saved => null,
                SaveResult.CapacityBelowCommitted => Refusal(CatalogEvent.CapacityBelowCommitted(await services.Inventory.GetInventoryAsync(id, cancellationToken))),
                SaveResult.Concurrency => Problems.For(EventErrors.ChangedMeanwhile),
                SaveResult.SeatedCapacity => Problems.Validation("capacity", SeatingErrors.SeatedCapacity),
                _ => Problems.For(EventErrors.NotFound),
            };
            if (saved is not null)
            {
                return saved;
            }
        }

        var reloaded = await services.Catalog.GetAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Event {id} vanished right after it was saved.");
        return TypedResults.Ok(EventResponse.From(reloaded, now));
    }

    /// <summary>The answer to a refused change: its problem, or its field errors; null when the change is accepted.</summary>
    private static Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>? Refusal(Change change)
    {
        if (change.Error is { } error)
        {
            return Problems.For(error);
        }

        if (change.FieldErrors is { } fields)
        {
            return Problems.Validation(new Dictionary<string, string[]>(fields));
        }

        return null;
    }

    /// <summary>Drafts are visible to their organizer and admins only.</summary>
    private static bool IsVisibleTo(ClaimsPrincipal user, EventStatus status, Guid organizerId) =>
        status != EventStatus.Draft || user.IsAdmin() || user.UserId() == organizerId;

    private static bool MayManageEvents(ClaimsPrincipal user) =>
        user.UserId() is not null
        && (user.HasClaim(IdentityClaims.Role, IdentityClaims.OrganizerRole) || user.HasClaim(IdentityClaims.Role, IdentityClaims.AdminRole));
}
