using System.Text.Json.Serialization;

namespace EventBooking.Web.Clients;

// bookings-api DTOs: services/Bookings.Api/Apis/Dtos.cs.
public sealed record BookingDto(
    Guid Id, Guid EventId, string EventTitle, DateTimeOffset EventStartsAt, Guid UserId, int Quantity, decimal UnitPrice,
    decimal Amount, string Currency, string Status, DateTimeOffset CreatedAt, DateTimeOffset HoldExpiresAt,
    DateTimeOffset? ConfirmedAt, DateTimeOffset? CancelledAt, string? CancelledBy, string? CancellationReason,
    DateTimeOffset? ExpiredAt, DateTimeOffset? RefundedAt, string? PromoCode = null, decimal Discount = 0, IReadOnlyList<BookingLineDto>? Lines = null,
    string? EventTimeZone = null);

/// <summary>Seats of one ticket type in a booking, at the price they were held at.</summary>
public sealed record BookingLineDto(Guid? TicketTypeId, string TicketTypeName, int Quantity, decimal UnitPrice, decimal Discount,
    IReadOnlyList<BookedSeatDto>? Seats = null);

/// <summary>A reserved seat of a booking line or a ticket (null on both for general admission).</summary>
public sealed record BookedSeatDto(string SeatId, string Area, string Row, string Number);

public sealed record PromoCodeDto(
    Guid Id, Guid EventId, string Code, string Kind, decimal Value, string Currency, int? MaxUses, int Used,
    DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt,
    IReadOnlyList<Guid>? TicketTypeIds = null, IReadOnlyList<Guid>? UnlocksTicketTypeIds = null);

/// <summary>
/// What a promo code gives a buyer before booking (bookings-api's check; no use taken): the discount, the types it is taken off
/// (<see cref="TicketTypeIds"/>; empty: the whole order) and the hidden types it lets the buyer book.
/// </summary>
public sealed record PromoCodeCheckDto(string Code, string Kind, decimal Value, string Currency, IReadOnlyList<Guid> TicketTypeIds,
    DateTimeOffset? ValidUntil, IReadOnlyList<UnlockedTicketTypeDto> UnlockedTicketTypes);

/// <summary>A hidden ticket type a promo code unlocks, with what the picker needs to offer it.</summary>
public sealed record UnlockedTicketTypeDto(Guid Id, string Name, decimal Price, string Currency, int MaxPerOrder, int Available, bool OnSale,
    DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd)
{
    /// <summary>The type as the picker lists the event's types (after the public ones).</summary>
    public TicketTypeDto ToTicketType(Guid eventId) =>
        new(Id, eventId, Name, null, Price, Currency, null, Available, OnSale, SalesStart, SalesEnd, MaxPerOrder, TicketTypeVisibility.Hidden, int.MaxValue, null, null);
}

/// <summary>
/// Seats of one ticket type asked for in a booking: a <see cref="Quantity"/> (general admission, or the best available seats with
/// <see cref="BestAvailable"/>), or particular <see cref="SeatIds"/> (the quantity is then their count and is not sent). The
/// members left null are not sent, so a general-admission line is <c>{ticketTypeId, quantity}</c> as it always was.
/// </summary>
public sealed record BookingLineRequest(
    Guid TicketTypeId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Quantity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? SeatIds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BestAvailableRequest? BestAvailable = null)
{
    /// <summary>The seats the line asks for (not sent).</summary>
    [JsonIgnore]
    public int Count => SeatIds?.Count ?? Quantity ?? 0;
}

/// <summary>How bookings-api (events-api) picks a line's best available seats; the members left null take its defaults.</summary>
public sealed record BestAvailableRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? AllowSplit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? WheelchairSpaces = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? AllowRestrictedView = null);

public sealed record PaymentDto(
    Guid Id, Guid BookingId, Guid EventId, decimal Amount, string Currency, string Status, string CardLast4,
    string? FailureCode, string? FailureMessage, decimal RefundedAmount, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset? RefundedAt, string? BookingStatus, string? EventTitle = null);

public sealed record TicketDto(
    Guid Id, Guid BookingId, Guid EventId, string TicketNumber, int EntryNumber, string Code, string Status, DateTimeOffset IssuedAt,
    DateTimeOffset? CheckedInAt = null, string? CheckedInDoor = null, Guid? TicketTypeId = null, string? TicketTypeName = null, BookedSeatDto? Seat = null);

public sealed record CheckInDto(
    Guid TicketId, string TicketNumber, int EntryNumber, Guid BookingId, Guid EventId, string? AttendeeName, DateTimeOffset CheckedInAt, string Door);

public sealed record DoorCount(string Door, int CheckedIn);

public sealed record CheckInSummary(Guid EventId, int Tickets, int CheckedIn, int NotYetIn, int Voided, IReadOnlyList<DoorCount> Doors, DateTimeOffset? LastCheckInAt);

public sealed record SalesPoint(DateTimeOffset Period, int TicketsSold, decimal Revenue);

public sealed record EventSales(
    Guid EventId, string EventTitle, string Currency, int TicketsSold, int ConfirmedBookings, decimal Revenue,
    int RefundCount, decimal RefundedAmount, int? Capacity, double? Occupancy, string Interval, IReadOnlyList<SalesPoint> Series, int CheckedIn = 0,
    IReadOnlyList<TicketTypeSales>? TicketTypes = null);

/// <summary>One ticket type's confirmed seats and revenue (after its discount) in an event's sales.</summary>
public sealed record TicketTypeSales(Guid? TicketTypeId, string Name, int TicketsSold, decimal Revenue, decimal Discount);

public sealed record MoneyTotal(decimal Amount, string Currency);

public sealed record OrganizerSales(
    Guid OrganizerId, int TicketsSold, IReadOnlyList<MoneyTotal> Revenue, IReadOnlyList<MoneyTotal> Refunds, int RefundCount,
    string Interval, IReadOnlyList<SalesPoint> Series, IReadOnlyList<EventSales> Events);

/// <summary>bookings-api: bookings, payments, tickets, sales.</summary>
public sealed record WebhookEndpointDto(
    Guid Id, string Url, string? Description, IReadOnlyList<string> EventTypes, bool Enabled, DateTimeOffset? DisabledAt, string? DisabledReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PreviousSecretExpiresAt);

/// <summary>A new endpoint or a rotated secret: the secret is in this answer only.</summary>
public sealed record WebhookSecretDto(WebhookEndpointDto Endpoint, string Secret);

public sealed record WebhookDeliveryDto(
    Guid Id, string MessageId, string EventType, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError, int? LastLatencyMs, DateTimeOffset? DeliveredAt);

public sealed record WebhookAttemptDto(int Number, DateTimeOffset At, int? StatusCode, string? Error, int LatencyMs);

public sealed record WebhookDeliveryDetailDto(WebhookDeliveryDto Delivery, System.Text.Json.JsonElement Payload, IReadOnlyList<WebhookAttemptDto> Attempts);

public sealed record WebhookReplayDto(int Replayed);

/// <summary>What an endpoint is told to send to (all fields every time; <see cref="Enabled"/> null on creation).</summary>
public sealed record WebhookEndpointBody(string? Url, string? Description, IReadOnlyList<string> EventTypes, bool? Enabled);

public sealed class BookingsClient(HttpClient http)
{
    private const string Service = "Service_Bookings";

    /// <summary>Books a quantity of the event's only ticket type (with a promo code, and the waiting room's pass while its room is on).</summary>
    public Task<ApiResult<BookingDto>> CreateAsync(Guid eventId, int quantity, string idempotencyKey, CancellationToken cancellationToken, string? promoCode = null,
        string? queuePass = null) =>
        Api.SendJsonAsync<BookingDto>(http, HttpMethod.Post, "/api/bookings", new CreateBookingBody(eventId, quantity, null, Trimmed(promoCode), queuePass),
            Service, cancellationToken, idempotencyKey);

    /// <summary>Books seats of several ticket types at once (bookings-api prices them; the promo code and the room's pass, if any, go along).</summary>
    public Task<ApiResult<BookingDto>> CreateAsync(Guid eventId, IReadOnlyList<BookingLineRequest> lines, string idempotencyKey, CancellationToken cancellationToken,
        string? promoCode = null, string? queuePass = null) =>
        Api.SendJsonAsync<BookingDto>(http, HttpMethod.Post, "/api/bookings", new CreateBookingBody(eventId, null, lines, Trimmed(promoCode), queuePass),
            Service, cancellationToken, idempotencyKey);

    private static string? Trimmed(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim();

    /// <summary>bookings-api's create body: a quantity or lines; the members left null are not sent.</summary>
    private sealed record CreateBookingBody(
        Guid EventId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Quantity,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<BookingLineRequest>? Lines,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PromoCode,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? QueuePass);

    /// <summary>Checks a promo code of the event before booking: what it gives and the hidden types it unlocks (rate-limited per person).</summary>
    public Task<ApiResult<PromoCodeCheckDto>> CheckPromoCodeAsync(Guid eventId, string code, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<PromoCodeCheckDto>(http, HttpMethod.Post, $"/api/events/{eventId}/promo-codes/check", new { code = code.Trim() }, Service, cancellationToken);

    public Task<ApiResult<List<PromoCodeDto>>> ListPromoCodesAsync(Guid eventId, CancellationToken cancellationToken) =>
        Api.GetAsync<List<PromoCodeDto>>(http, $"/api/events/{eventId}/promo-codes", Service, cancellationToken);

    public Task<ApiResult<PromoCodeDto>> CreatePromoCodeAsync(Guid eventId, object code, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<PromoCodeDto>(http, HttpMethod.Post, $"/api/events/{eventId}/promo-codes", code, Service, cancellationToken);

    public Task<ApiResult<NoBody>> DisablePromoCodeAsync(Guid eventId, Guid codeId, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Delete, $"/api/events/{eventId}/promo-codes/{codeId}", null, Service, cancellationToken);

    public Task<ApiResult<BookingDto>> GetAsync(Guid id, CancellationToken cancellationToken) => Api.GetAsync<BookingDto>(http, $"/api/bookings/{id}", Service, cancellationToken);

    public Task<ApiResult<Paged<BookingDto>>> ListMineAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<BookingDto>>(http, $"/api/bookings?page={page}&pageSize={pageSize}", Service, cancellationToken);

    public Task<ApiResult<PaymentDto>> PayAsync(Guid bookingId, string cardNumber, string idempotencyKey, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<PaymentDto>(http, HttpMethod.Post, $"/api/bookings/{bookingId}/payments", new { paymentMethod = cardNumber }, Service, cancellationToken, idempotencyKey);

    public Task<ApiResult<List<PaymentDto>>> GetPaymentsAsync(Guid bookingId, CancellationToken cancellationToken) =>
        Api.GetAsync<List<PaymentDto>>(http, $"/api/bookings/{bookingId}/payments", Service, cancellationToken);

    public Task<ApiResult<List<TicketDto>>> GetTicketsAsync(Guid bookingId, CancellationToken cancellationToken) =>
        Api.GetAsync<List<TicketDto>>(http, $"/api/bookings/{bookingId}/tickets", Service, cancellationToken);

    public Task<ApiResult<BookingDto>> CancelAsync(Guid bookingId, string? reason, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<BookingDto>(http, HttpMethod.Post, $"/api/bookings/{bookingId}/cancel", new { reason }, Service, cancellationToken);

    /// <summary>
    /// Moves seats of a booking to others of the same categories, all or none (the event's organizer or an admin; the attendee is
    /// told, with the reason); each move is ServiceDefaults' <see cref="SeatMoveBody"/>, as bookings-api reads it. The answer is
    /// the booking with its seats now; <c>seat-not-available</c> names the seats taken (<c>seatIds</c>), field errors name
    /// <c>moves[i].from</c> or <c>moves[i].to</c>.
    /// </summary>
    public Task<ApiResult<BookingDto>> MoveSeatsAsync(Guid bookingId, IReadOnlyList<SeatMoveBody> moves, string? reason, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<BookingDto>(http, HttpMethod.Post, $"/api/bookings/{bookingId}/seats/move",
            new { moves, reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, Service, cancellationToken);

    public Task<ApiResult<Paged<TicketDto>>> ListMyTicketsAsync(CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<TicketDto>>(http, "/api/tickets?pageSize=100", Service, cancellationToken);

    public Task<ApiResult<Paged<BookingDto>>> ListEventBookingsAsync(Guid eventId, int page, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<BookingDto>>(http, $"/api/events/{eventId}/bookings?page={page}&pageSize={pageSize}", Service, cancellationToken);

    public Task<ApiResult<EventSales>> GetEventSalesAsync(Guid eventId, CancellationToken cancellationToken) =>
        Api.GetAsync<EventSales>(http, $"/api/events/{eventId}/sales", Service, cancellationToken);

    public Task<ApiResult<OrganizerSales>> GetMySalesAsync(CancellationToken cancellationToken) =>
        Api.GetAsync<OrganizerSales>(http, "/api/organizers/me/sales", Service, cancellationToken);

    public Task<ApiResult<Paged<PaymentDto>>> ListMyPaymentsAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<PaymentDto>>(http, $"/api/payments?page={page}&pageSize={pageSize}", Service, cancellationToken);

    public Task<ApiResult<CheckInDto>> CheckInAsync(Guid eventId, string code, string? door, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<CheckInDto>(http, HttpMethod.Post, $"/api/events/{eventId}/check-ins", new { code, door }, Service, cancellationToken);

    public Task<ApiResult<CheckInSummary>> GetCheckInSummaryAsync(Guid eventId, CancellationToken cancellationToken) =>
        Api.GetAsync<CheckInSummary>(http, $"/api/events/{eventId}/check-ins/summary", Service, cancellationToken);

    public Task<ApiResult<Paged<CheckInDto>>> ListCheckInsAsync(Guid eventId, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<CheckInDto>>(http, $"/api/events/{eventId}/check-ins?pageSize={pageSize}", Service, cancellationToken);

    public Task<ApiResult<List<WebhookEndpointDto>>> ListWebhooksAsync(CancellationToken cancellationToken) =>
        Api.GetAsync<List<WebhookEndpointDto>>(http, "/api/webhooks", Service, cancellationToken);

    public Task<ApiResult<WebhookEndpointDto>> GetWebhookAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<WebhookEndpointDto>(http, $"/api/webhooks/{id}", Service, cancellationToken);

    public Task<ApiResult<WebhookSecretDto>> CreateWebhookAsync(WebhookEndpointBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WebhookSecretDto>(http, HttpMethod.Post, "/api/webhooks", body, Service, cancellationToken);

    public Task<ApiResult<WebhookEndpointDto>> UpdateWebhookAsync(Guid id, WebhookEndpointBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WebhookEndpointDto>(http, HttpMethod.Put, $"/api/webhooks/{id}", body, Service, cancellationToken);

    public Task<ApiResult<NoBody>> DeleteWebhookAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Delete, $"/api/webhooks/{id}", null, Service, cancellationToken);

    public Task<ApiResult<WebhookSecretDto>> RotateWebhookSecretAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WebhookSecretDto>(http, HttpMethod.Post, $"/api/webhooks/{id}/rotate-secret", null, Service, cancellationToken);

    public Task<ApiResult<Paged<WebhookDeliveryDto>>> ListWebhookDeliveriesAsync(Guid id, string? status, int page, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<WebhookDeliveryDto>>(http, $"/api/webhooks/{id}/deliveries?page={page}&pageSize={pageSize}{Query.Param("status", status)}",
            Service, cancellationToken);

    public Task<ApiResult<WebhookDeliveryDetailDto>> GetWebhookDeliveryAsync(Guid id, Guid deliveryId, CancellationToken cancellationToken) =>
        Api.GetAsync<WebhookDeliveryDetailDto>(http, $"/api/webhooks/{id}/deliveries/{deliveryId}", Service, cancellationToken);

    public Task<ApiResult<WebhookDeliveryDto>> ReplayWebhookDeliveryAsync(Guid id, Guid deliveryId, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WebhookDeliveryDto>(http, HttpMethod.Post, $"/api/webhooks/{id}/deliveries/{deliveryId}/replay", null, Service, cancellationToken);

    public Task<ApiResult<WebhookReplayDto>> ReplayFailedWebhookDeliveriesAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WebhookReplayDto>(http, HttpMethod.Post, $"/api/webhooks/{id}/replay-failed", null, Service, cancellationToken);

    public Task<ApiResult<WebhookDeliveryDto>> SendWebhookTestAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WebhookDeliveryDto>(http, HttpMethod.Post, $"/api/webhooks/{id}/test", null, Service, cancellationToken);
}
