namespace EventBooking.Web.Clients;

// events-api's waiting list (services/Events.Api/Apis/WaitingListApi.cs) and the booking that accepts an offer (bookings-api).

/// <summary>Seats held for the buyer: book them with the offer id before <see cref="ExpiresAt"/>.</summary>
public sealed record WaitingListOfferDto(Guid OfferId, int Quantity, DateTimeOffset ExpiresAt);

/// <summary>The buyer's own entry: <c>Waiting</c> with its <see cref="Position"/> (1 = next), or <c>Offered</c> with the <see cref="Offer"/>.</summary>
public sealed record WaitingListEntryDto(Guid EventId, string Status, int Quantity, Guid? TicketTypeId, int? Position, DateTimeOffset JoinedAt,
    WaitingListOfferDto? Offer);

/// <summary>An entry as the event's organizer sees it.</summary>
public sealed record WaitingListItemDto(Guid EntryId, long Sequence, Guid UserId, string? UserEmail, string? UserName, int Quantity, Guid? TicketTypeId,
    string Status, DateTimeOffset JoinedAt, Guid? OfferId, DateTimeOffset? OfferExpiresAt);

/// <summary>A sold-out event's waiting list: join, my entry, leave, the organizer's list and export, and booking an offer.</summary>
public sealed class WaitingListClient(HttpClient events, HttpClient bookings)
{
    private const string CatalogService = "Service_Catalog";
    private const string BookingsService = "Service_Bookings";

    public Task<ApiResult<WaitingListEntryDto>> JoinAsync(Guid eventId, int quantity, Guid? ticketTypeId, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WaitingListEntryDto>(events, HttpMethod.Post, $"/api/events/{eventId}/waiting-list", new { quantity, ticketTypeId }, CatalogService,
            cancellationToken);

    /// <summary>The caller's active entry; a <c>not-on-waiting-list</c> problem when there is none.</summary>
    public Task<ApiResult<WaitingListEntryDto>> GetMineAsync(Guid eventId, CancellationToken cancellationToken) =>
        Api.GetAsync<WaitingListEntryDto>(events, $"/api/events/{eventId}/waiting-list/me", CatalogService, cancellationToken);

    public Task<ApiResult<NoBody>> LeaveAsync(Guid eventId, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(events, HttpMethod.Delete, $"/api/events/{eventId}/waiting-list/me", null, CatalogService, cancellationToken);

    public Task<ApiResult<Paged<WaitingListItemDto>>> ListAsync(Guid eventId, int page, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<WaitingListItemDto>>(events, $"/api/events/{eventId}/waiting-list?page={page}&pageSize={pageSize}", CatalogService, cancellationToken);

    /// <summary>The list as CSV (events-api writes it), as bytes.</summary>
    public Task<ApiResult<byte[]>> ExportAsync(Guid eventId, CancellationToken cancellationToken) =>
        Api.GetAsync<byte[]>(events, $"/api/events/{eventId}/waiting-list/export", CatalogService, cancellationToken);

    /// <summary>Books the seats an offer holds (the booking's id is the offer id); then pay it on its booking page.</summary>
    public Task<ApiResult<BookingDto>> BookOfferAsync(Guid eventId, WaitingListOfferDto offer, string idempotencyKey, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<BookingDto>(bookings, HttpMethod.Post, "/api/bookings", new { eventId, quantity = offer.Quantity, waitingListOffer = offer.OfferId },
            BookingsService, cancellationToken, idempotencyKey);
}
