using System.Globalization;
using System.Security.Claims;
using System.Text;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Events.Api.WaitingList;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record WaitingListServices(ICatalogStore Catalog, ITicketTypeStore TicketTypes, IInventoryStore Inventory, IServiceProvider Services,
    TimeProvider Time)
{
    /// <summary>The store, or null in the MongoDB configuration (no waiting list there).</summary>
    public WaitingListStore? Store => Services.GetService<WaitingListStore>();
}

/// <summary>
/// A sold-out event's waiting list (docs/contracts.md "Waiting list"): buyers join with a quantity, seats that come back are
/// offered in order (held for the buyer for the offer window, announced by notification and email), buyers leave, and the
/// event's organizer sees the list and exports it.
/// </summary>
public static class WaitingListApi
{
    public const string CsvContentType = "text/csv; charset=utf-8";

    public static IEndpointRouteBuilder MapWaitingListApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events/{id}/waiting-list").WithTags("Waiting list");
        api.MapPost("/", Join).WithName("JoinWaitingList").WithSummary("Joins a sold-out event's waiting list with a quantity (one place per account).")
            .WithDescription("Only while the event is on sale and sold out for the wish (fewer seats left than `quantity`): else `409 not-sold-out`. " +
                "`quantity` 1 to the order limit (the ticket type's `maxPerOrder`, at most 20); `ticketTypeId` is required when the event sells " +
                "several public types. Seats that come back are offered in order of joining: held for the buyer for the offer window and " +
                "announced by notification and email; book them with `waitingListOffer` (the offer id) before they expire.")
            .WithRequestExample(new WaitingListJoinRequest(2, null))
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status409Conflict, "not-sold-out", "not-on-sale", "already-on-waiting-list")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-list-unavailable")
            .RequireAuthorization(Policies.User);
        api.MapGet("/me", GetMine).WithName("GetMyWaitingListEntry").WithSummary("My place on the event's waiting list, or my offer.")
            .WithDescription("`Waiting` with `position` (1 = next to be offered), or `Offered` with `offer`: the offer id (book with it as " +
                "`waitingListOffer`), the seats held and when they expire.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "not-on-waiting-list")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-list-unavailable")
            .RequireAuthorization(Policies.User);
        api.MapDelete("/me", Leave).WithName("LeaveWaitingList").WithSummary("Leaves the event's waiting list; an open offer's seats go back.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found", "not-on-waiting-list")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-list-unavailable")
            .RequireAuthorization(Policies.User);
        api.MapGet("/", List).WithName("ListWaitingList").WithSummary("The event's waiting list in order (its organizer or an admin).")
            .WithDescription("Every entry, ended ones included (`Booked`, `Missed`, `Left`, `Closed`), in order of joining; another organizer's " +
                "event is `404`.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-list-unavailable")
            .RequireAuthorization(Policies.Organizer);
        api.MapGet("/export", Export).WithName("ExportWaitingList").WithSummary("The event's waiting list as CSV (its organizer or an admin).")
            .WithDescription("One line per entry in order of joining: `sequence,status,quantity,ticketTypeId,userId,email,name,joinedAt,offerId,offerExpiresAt`.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "waiting-list-unavailable")
            .RequireAuthorization(Policies.Organizer);
        return app;
    }

    public static async Task<Results<Created<WaitingListEntryResponse>, ValidationProblem, ProblemHttpResult>> Join(
        Guid id, WaitingListJoinRequest? request, ClaimsPrincipal user, [AsParameters] WaitingListServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null || item.Event.Status == EventStatus.Draft)
        {
            return Problems.For(EventErrors.NotFound);
        }

        var types = await services.TicketTypes.ListAsync(id, cancellationToken);
        if (WaitingListRules.Validate(request?.Quantity, request?.TicketTypeId, types, out var type) is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        if (services.Store is not { } store)
        {
            return Problems.For(WaitingListErrors.Unavailable);
        }

        var now = services.Time.GetUtcNow();
        var quantity = request!.Quantity!.Value;
        if (!item.Event.IsOnSale(now))
        {
            return Problems.For(HoldErrors.NotOnSale);
        }

        if (!WaitingListRules.IsSoldOutFor(item.Inventory, type, quantity))
        {
            return Problems.For(WaitingListErrors.NotSoldOut);
        }

        var entry = new WaitingListEntry(Guid.CreateVersion7(), id, user.UserId()!.Value, quantity, type!.Id, WaitingListStatus.Waiting, 0, now, now,
            null, null, user.FindFirstValue(IdentityClaims.Email), user.FindFirstValue(IdentityClaims.Name));
        if (!await store.JoinAsync(entry, cancellationToken))
        {
            return Problems.For(WaitingListErrors.AlreadyOnList);
        }

        var place = await store.GetPlaceAsync(id, entry.UserId, cancellationToken);
        return TypedResults.Created($"/api/events/{id}/waiting-list/me", WaitingListEntryResponse.From(place ?? new WaitingListPlace(entry, null)));
    }

    public static async Task<Results<Ok<WaitingListEntryResponse>, ProblemHttpResult>> GetMine(
        Guid id, ClaimsPrincipal user, [AsParameters] WaitingListServices services, CancellationToken cancellationToken)
    {
        if (services.Store is not { } store)
        {
            return Problems.For(WaitingListErrors.Unavailable);
        }

        return await store.GetPlaceAsync(id, user.UserId()!.Value, cancellationToken) is { } place
            ? TypedResults.Ok(WaitingListEntryResponse.From(place))
            : Problems.For(WaitingListErrors.NotOnList);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Leave(
        Guid id, ClaimsPrincipal user, [AsParameters] WaitingListServices services, CancellationToken cancellationToken)
    {
        if (services.Store is not { } store)
        {
            return Problems.For(WaitingListErrors.Unavailable);
        }

        var now = services.Time.GetUtcNow();
        if (await store.LeaveAsync(id, user.UserId()!.Value, now, cancellationToken) is not { } left)
        {
            return Problems.For(WaitingListErrors.NotOnList);
        }

        // An open offer's seats go back (to the next buyer at the offerer's next tick); seats already paid for are the buyer's booking.
        if (left is { Status: WaitingListStatus.Offered, OfferId: { } offerId }
            && await services.Inventory.GetHoldAsync(offerId, cancellationToken) is { Status: HoldStatus.Held })
        {
            await services.Inventory.ReleaseHoldAsync(id, offerId, now, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<Paged<WaitingListItemResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid id, [AsParameters] PageQuery page, ClaimsPrincipal user, [AsParameters] WaitingListServices services, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        if (await OwnedStoreAsync(id, user, services, cancellationToken) is not { } store)
        {
            return await ErrorOfAsync(id, user, services, cancellationToken);
        }

        return TypedResults.Ok((await store.ListAsync(id, page, cancellationToken)).Select(WaitingListItemResponse.From));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        Guid id, ClaimsPrincipal user, [AsParameters] WaitingListServices services, CancellationToken cancellationToken)
    {
        if (await OwnedStoreAsync(id, user, services, cancellationToken) is not { } store)
        {
            return await ErrorOfAsync(id, user, services, cancellationToken);
        }

        var csv = new StringBuilder("sequence,status,quantity,ticketTypeId,userId,email,name,joinedAt,offerId,offerExpiresAt\r\n");
        await foreach (var row in store.ExportAsync(id).WithCancellation(cancellationToken))
        {
            csv.AppendJoin(',', [
                row.Sequence.ToString(CultureInfo.InvariantCulture), row.Status.ToString(), row.Quantity.ToString(CultureInfo.InvariantCulture),
                row.TicketTypeId?.ToString() ?? "", row.UserId.ToString(), Cell(row.UserEmail), Cell(row.UserName),
                row.JoinedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), row.OfferId is { } o && row.Status != WaitingListStatus.Waiting ? o.ToString() : "",
                row.OfferExpiresAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "",
            ]).Append("\r\n");
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), CsvContentType, $"waiting-list-{id:N}.csv");
    }

    /// <summary>A CSV cell (RFC 4180 quoting), with a leading formula character neutralised so spreadsheets show text, not run it.</summary>
    private static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>The store when the caller organizes the event (or is an admin) and the store exists; else null.</summary>
    private static async Task<WaitingListStore?> OwnedStoreAsync(Guid id, ClaimsPrincipal user, WaitingListServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        return item is not null && item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()) ? services.Store : null;
    }

    /// <summary>Why <see cref="OwnedStoreAsync"/> gave nothing: someone else's or an unknown event is not found; else the store is missing.</summary>
    private static async Task<ProblemHttpResult> ErrorOfAsync(Guid id, ClaimsPrincipal user, WaitingListServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        return item is null || !item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin())
            ? Problems.For(EventErrors.NotFound)
            : Problems.For(WaitingListErrors.Unavailable);
    }
}

/// <summary>A wish: how many seats, and of which ticket type (required when the event sells several).</summary>
public sealed record WaitingListJoinRequest(int? Quantity, Guid? TicketTypeId = null);

/// <summary>Seats held for the buyer: book them with <c>waitingListOffer</c> = <c>offerId</c> before <c>expiresAt</c>.</summary>
public sealed record WaitingListOfferResponse(Guid OfferId, int Quantity, DateTimeOffset ExpiresAt);

/// <summary>The buyer's own entry: <c>Waiting</c> with its <c>position</c> (1 = next), or <c>Offered</c> with the <c>offer</c>.</summary>
public sealed record WaitingListEntryResponse(Guid EventId, WaitingListStatus Status, int Quantity, Guid? TicketTypeId, int? Position,
    DateTimeOffset JoinedAt, WaitingListOfferResponse? Offer)
{
    public static WaitingListEntryResponse From(WaitingListPlace place)
    {
        var e = place.Entry;
        var offer = e is { Status: WaitingListStatus.Offered, OfferId: { } id, OfferExpiresAt: { } expires } ? new WaitingListOfferResponse(id, e.Quantity, expires) : null;
        return new(e.EventId, e.Status, e.Quantity, e.TicketTypeId, place.Position, e.JoinedAt, offer);
    }
}

/// <summary>An entry as the organizer sees it.</summary>
public sealed record WaitingListItemResponse(Guid EntryId, long Sequence, Guid UserId, string? UserEmail, string? UserName, int Quantity,
    Guid? TicketTypeId, WaitingListStatus Status, DateTimeOffset JoinedAt, Guid? OfferId, DateTimeOffset? OfferExpiresAt)
{
    public static WaitingListItemResponse From(WaitingListEntry e) => new(e.Id, e.Sequence, e.UserId, e.UserEmail, e.UserName, e.Quantity,
        e.TicketTypeId, e.Status, e.JoinedAt, e.Status == WaitingListStatus.Waiting ? null : e.OfferId, e.OfferExpiresAt);
}
