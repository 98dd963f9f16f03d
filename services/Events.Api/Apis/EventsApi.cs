using System.Security.Claims;
using EventBooking.Messaging.Contracts;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Events.Api.Apis;

public sealed record CatalogServices(IEventStore Store, CatalogCache Cache, TimeProvider Time);

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events").WithTags("Events");
        api.MapGet("/", SearchEvents).WithName("SearchEvents")
            .WithSummary("Searches published, upcoming events (full text, category, city, venue, dates, price, availability; paged and sorted).");
        api.MapGet("/{id}", GetEvent).WithName("GetEvent").WithSummary("One event; drafts only for their organizer or an admin.");
        api.MapGet("/{id}/availability", GetAvailability).WithName("GetAvailability").WithSummary("Live seat counts: capacity, available, held, sold.");
        api.MapPost("/", CreateEvent).WithName("CreateEvent").WithSummary("Creates a draft event (organizers).").RequireAuthorization(Policies.Organizer);
        api.MapPut("/{id}", UpdateEvent).WithName("UpdateEvent").WithSummary("Edits an event (its organizer or an admin).").RequireAuthorization(Policies.Organizer);
        api.MapDelete("/{id}", DeleteEvent).WithName("DeleteEvent").WithSummary("Deletes an event without sold or held seats.").RequireAuthorization(Policies.Organizer);
        api.MapPost("/{id}/publish", PublishEvent).WithName("PublishEvent").WithSummary("Puts a draft on sale.").RequireAuthorization(Policies.Organizer);
        api.MapPost("/{id}/cancel", CancelEvent).WithName("CancelEvent").WithSummary("Cancels an event; bookings are refunded and attendees told.").RequireAuthorization(Policies.Organizer);

        app.MapGet("/api/organizers/me/events", GetMyEvents).WithTags("Events").WithName("GetMyEvents")
            .WithSummary("The caller's events, drafts included.").RequireAuthorization(Policies.Organizer);
        app.MapGet("/api/categories", GetCategories).WithTags("Events").WithName("GetCategories").WithSummary("The event categories.");
        return app;
    }

    public static Ok<IReadOnlyList<Category>> GetCategories() => TypedResults.Ok(Categories.All);

    public static async Task<Results<CachedJson<PagedResponse<EventResponse>>, ValidationProblem>> SearchEvents(
        [AsParameters] CatalogServices services,
        string? q, string? category, string? city, string? venue, DateTimeOffset? from, DateTimeOffset? to,
        decimal? minPrice, decimal? maxPrice, bool? onlyAvailable, string? sort, int? page, int? pageSize,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (q is { Length: > 200 }) { errors["q"] = ["At most 200 characters."]; }
        if (category is not null && !Categories.Exists(category)) { errors["category"] = ["Unknown category."]; }
        if (city is { Length: > EventValidation.MaxCity }) { errors["city"] = ["Too long."]; }
        if (venue is { Length: > EventValidation.MaxVenue }) { errors["venue"] = ["Too long."]; }
        if (from is not null && to is not null && to < from) { errors["to"] = ["Must not be before 'from'."]; }
        if (minPrice < 0) { errors["minPrice"] = ["Must not be negative."]; }
        if (minPrice is not null && maxPrice is not null && maxPrice < minPrice) { errors["maxPrice"] = ["Must not be below 'minPrice'."]; }
        if (InputRules.Page(page) is { } pageError) { errors["page"] = [pageError]; }
        if (pageSize is < 1 or > 100) { errors["pageSize"] = ["Between 1 and 100."]; }
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
            return TypedResults.ValidationProblem(errors);
        }

        var query = new EventQuery
        {
            Text = q, Category = category, City = city, Venue = venue, From = from, To = to, MinPrice = minPrice, MaxPrice = maxPrice,
            OnlyAvailable = onlyAvailable ?? false, Sort = parsedSort!.Value, Page = page ?? 1, PageSize = pageSize ?? 20,
        };
        // The page may be seconds old; the seats on it are not (see CatalogCache).
        var json = await services.Cache.SearchJsonAsync(query, services.Store, async ct =>
        {
            var now = services.Time.GetUtcNow();
            var found = await services.Store.SearchAsync(query, now, ct);
            return new PagedResponse<EventResponse>(found.Items.Select(i => EventResponse.From(i, now)).ToArray(), found.Page, found.PageSize, found.TotalCount);
        }, cancellationToken);
        return new CachedJson<PagedResponse<EventResponse>>(json);
    }

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> GetEvent(
        string id, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(id, "id", out var eventId, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = services.Time.GetUtcNow();
        EventResponse? found;
        var readThrough = MayManageEvents(user);
        if (readThrough)
        {
            // Organizers and admins read through: their own changes show at once.
            var item = await services.Store.GetAsync(eventId, cancellationToken);
            found = item is null ? null : EventResponse.From(item, now);
        }
        else
        {
            found = await services.Cache.GetEventAsync(eventId, async ct =>
            {
                var item = await services.Store.GetAsync(eventId, ct);
                return item is null ? null : EventResponse.From(item, now);
            }, cancellationToken);
        }

        var visible = found is not null
            && (found.Status != EventStatus.Draft || user.IsAdmin() || user.UserId() == found.OrganizerId);
        if (!visible)
        {
            return NotFound("event");
        }

        // A cached event may be seconds old; its seats are not (see CatalogCache). Read-through copies are live already.
        return TypedResults.Ok(readThrough ? found! : await services.Cache.WithSeatsAsync(found!, services.Store, cancellationToken));
    }

    public static async Task<Results<Ok<AvailabilityResponse>, ValidationProblem, ProblemHttpResult>> GetAvailability(
        string id, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(id, "id", out var eventId, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Live: straight from the counters, never cached. Drafts stay private to their organizer and admins.
        var item = await services.Store.GetAsync(eventId, cancellationToken);
        var visible = item is not null
            && (item.Event.Status != EventStatus.Draft || user.IsAdmin() || user.UserId() == item.Event.OrganizerId);
        return visible ? TypedResults.Ok(AvailabilityResponse.From(item!.Inventory)) : NotFound("event");
    }

    public static async Task<Results<Created<EventResponse>, ValidationProblem>> CreateEvent(
        EventRequest? request, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var (input, errors) = EventValidation.Validate(request, now, isNew: true);
        if (input is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var created = CatalogEvent.Create(user.UserId()!.Value, input, now);
        await services.Store.CreateAsync(created, cancellationToken);
        await services.Cache.InvalidateAsync(created.Id, cancellationToken);
        var response = EventResponse.From(new EventWithInventory(created, new Inventory(created.Id, created.Capacity, 0, 0)), now);
        return TypedResults.Created($"/api/events/{created.Id}", response);
    }

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> UpdateEvent(
        string id, EventRequest? request, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(id, "id", out var eventId, out var idErrors))
        {
            return TypedResults.ValidationProblem(idErrors);
        }

        var now = services.Time.GetUtcNow();
        var (input, errors) = EventValidation.Validate(request, now, isNew: false);
        if (input is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var item = await services.Store.GetAsync(eventId, cancellationToken);
        if (item is null)
        {
            return NotFound("event");
        }

        var current = item.Event;
        if (!current.CanBeChangedBy(user.UserId(), user.IsAdmin()))
        {
            return Forbidden();
        }

        if (current.CannotEditReason(now) is { } reason)
        {
            return InvalidState(reason);
        }

        if (input.StartsAt != current.StartsAt && input.StartsAt <= now)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["startsAt"] = ["A new start must be in the future."] });
        }

        if (input.Capacity < item.Inventory.Held + item.Inventory.Sold)
        {
            return CapacityBelowCommitted(item.Inventory);
        }

        var version = current.Version;
        var changedFields = current.Apply(input, now);
        IReadOnlyList<OutgoingEvent> integrationEvents = changedFields.Count == 0 ? [] :
        [
            OutgoingEvent.Of(new EventUpdated(current.Id, current.OrganizerId, current.Title, current.Venue, current.City,
                current.StartsAt, current.EndsAt, changedFields, now)),
        ];
        var result = await services.Store.SaveAsync(current, version, integrationEvents, cancellationToken);
        await services.Cache.InvalidateAsync(eventId, cancellationToken);
        return result switch
        {
            SaveResult.Saved => TypedResults.Ok(await ReloadAsync(services, eventId, now, cancellationToken)),
            SaveResult.CapacityBelowCommitted => CapacityBelowCommitted(await services.Store.GetInventoryAsync(eventId, cancellationToken)),
            SaveResult.Concurrency => Concurrency(),
            _ => NotFound("event"),
        };
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteEvent(
        string id, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(id, "id", out var eventId, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var item = await services.Store.GetAsync(eventId, cancellationToken);
        if (item is null)
        {
            return NotFound("event");
        }

        if (!item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()))
        {
            return Forbidden();
        }

        var result = await services.Store.DeleteAsync(eventId, cancellationToken);
        await services.Cache.InvalidateAsync(eventId, cancellationToken);
        return result switch
        {
            DeleteResult.Deleted => TypedResults.NoContent(),
            DeleteResult.HasSeatsCommitted => TypedResults.Problem(type: ProblemTypes.HasSales, title: "The event has sold or held seats",
                detail: "Cancel the event instead: its bookings are then refunded.", statusCode: StatusCodes.Status409Conflict),
            _ => NotFound("event"),
        };
    }

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> PublishEvent(
        string id, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken) =>
        await TransitionAsync(id, user, services, (e, now) =>
        {
            if (e.CannotPublishReason(now) is { } reason)
            {
                return (reason, []);
            }

            if (e.Status == EventStatus.Draft)
            {
                e.Status = EventStatus.Published;
                e.PublishedAt = now;
                e.UpdatedAt = now;
            }

            return (null, []);
        }, cancellationToken);

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> CancelEvent(
        string id, [FromBody] CancelEventRequest? request, ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? "Cancelled by the organizer." : request.Reason.Trim();
        if (reason.Length > 500)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["At most 500 characters."] });
        }

        if (InputRules.Text(reason, multiline: true) is { } unsafeText)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [unsafeText] });
        }

        return await TransitionAsync(id, user, services, (e, now) =>
        {
            if (e.CannotCancelReason(now) is { } refusal)
            {
                return (refusal, []);
            }

            if (e.Status == EventStatus.Cancelled)
            {
                return (null, []);
            }

            var wasPublished = e.Status == EventStatus.Published;
            e.Status = EventStatus.Cancelled;
            e.CancelledAt = now;
            e.CancellationReason = reason;
            e.UpdatedAt = now;
            // Only a published event can have bookings to refund and attendees to tell.
            return (null, wasPublished ? [OutgoingEvent.Of(new EventCancelled(e.Id, e.OrganizerId, e.Title, e.StartsAt, reason, now))] : []);
        }, cancellationToken);
    }

    public static async Task<Ok<IReadOnlyList<EventResponse>>> GetMyEvents(
        ClaimsPrincipal user, [AsParameters] CatalogServices services, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var mine = await services.Store.ListByOrganizerAsync(user.UserId()!.Value, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<EventResponse>>(mine.Select(i => EventResponse.From(i, now)).ToList());
    }

    private static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> TransitionAsync(
        string id, ClaimsPrincipal user, CatalogServices services,
        Func<CatalogEvent, DateTimeOffset, (string? Refusal, IReadOnlyList<OutgoingEvent> Events)> transition,
        CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(id, "id", out var eventId, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = services.Time.GetUtcNow();
        var item = await services.Store.GetAsync(eventId, cancellationToken);
        if (item is null)
        {
            return NotFound("event");
        }

        var current = item.Event;
        if (!current.CanBeChangedBy(user.UserId(), user.IsAdmin()))
        {
            return Forbidden();
        }

        var version = current.Version;
        var status = current.Status;
        var (refusal, integrationEvents) = transition(current, now);
        if (refusal is not null)
        {
            return InvalidState(refusal);
        }

        if (current.Status != status)
        {
            var result = await services.Store.SaveAsync(current, version, integrationEvents, cancellationToken);
            await services.Cache.InvalidateAsync(eventId, cancellationToken);
            if (result == SaveResult.Concurrency)
            {
                return Concurrency();
            }

            if (result != SaveResult.Saved)
            {
                return NotFound("event");
            }
        }

        return TypedResults.Ok(await ReloadAsync(services, eventId, now, cancellationToken));
    }

    private static async Task<EventResponse> ReloadAsync(CatalogServices services, Guid eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var item = await services.Store.GetAsync(eventId, cancellationToken)
            ?? throw new InvalidOperationException($"Event {eventId} vanished right after it was saved.");
        return EventResponse.From(item, now);
    }

    private static bool MayManageEvents(ClaimsPrincipal user) =>
        user.UserId() is not null
        && (user.HasClaim(IdentityClaims.Role, IdentityClaims.OrganizerRole) || user.HasClaim(IdentityClaims.Role, IdentityClaims.AdminRole));

    internal static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(type: ProblemTypes.NotFound, title: $"No such {what}", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Forbidden() =>
        TypedResults.Problem(type: ProblemTypes.Forbidden, title: "Only the event's organizer or an admin may change it",
            statusCode: StatusCodes.Status403Forbidden);

    private static ProblemHttpResult InvalidState(string reason) =>
        TypedResults.Problem(type: ProblemTypes.InvalidState, title: "Not possible in the event's current state", detail: reason,
            statusCode: StatusCodes.Status409Conflict);

    private static ProblemHttpResult Concurrency() =>
        TypedResults.Problem(type: ProblemTypes.Concurrency, title: "The event was changed at the same time; reload and try again",
            statusCode: StatusCodes.Status409Conflict);

    private static ValidationProblem CapacityBelowCommitted(Inventory? inventory) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["capacity"] = [$"The capacity cannot go below the {(inventory is null ? 0 : inventory.Held + inventory.Sold)} seats already sold or held."],
        });
}
