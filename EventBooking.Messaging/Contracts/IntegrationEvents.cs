namespace EventBooking.Messaging.Contracts;

/// <summary>
/// Every integration event: its routing key (the event name, e.g. <c>booking.confirmed</c>) and schema version
/// come from the type; the envelope (<see cref="IntegrationEventEnvelope"/>) adds id, source, time and trace context.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>The event name, used as the routing key and the CloudEvents-style <c>type</c>.</summary>
    static abstract string EventName { get; }

    /// <summary>Schema version of the data; consumers accept versions they know.</summary>
    static virtual int SchemaVersion => 1;
}

/// <summary>
/// One ticket as the confirmation carries it. <c>TicketTypeId</c>/<c>TicketTypeName</c> (the seat's ticket type) were added
/// with ticket types: absent (null) in older messages, and the id is null for tickets issued before types existed.
/// </summary>
/// <remarks><c>Seat</c>: the reserved seat the ticket admits to; null for general admission and absent from messages sent before reserved seating.</remarks>
public sealed record TicketInfo(Guid TicketId, string TicketNumber, int EntryNumber, string Code, Guid? TicketTypeId = null, string? TicketTypeName = null,
    SeatInfo? Seat = null);

/// <summary>
/// Seats of one ticket type in a booking, at the unit price they were sold at, and the discount that went to them; <c>Seats</c>
/// its reserved seats (null for general admission and in messages sent before reserved seating).
/// </summary>
public sealed record BookingLineInfo(Guid? TicketTypeId, string TicketTypeName, int Quantity, decimal UnitPrice, decimal Discount,
    IReadOnlyList<SeatInfo>? Seats = null);

/// <summary>A reserved seat: its id in the event's seat map, its area (its name; the id in messages of bookings made before
/// events-api named areas), its row and number labels (events-api's plan).</summary>
public sealed record SeatInfo(string SeatId, string Area, string Row, string Number);

/// <summary>Money is always an amount plus an ISO 4217 currency code.</summary>
public sealed record Money(decimal Amount, string Currency);

/// <summary>
/// A paid booking: seats sold, tickets issued. <c>OrganizerId</c> (the event's), <c>Lines</c> (seats per ticket type) and
/// <c>EventTimeZone</c> (the IANA id of the event's zone, in which its times are read) were added later: absent (null) in older
/// messages. So was <c>Language</c>, the buyer's preferred language (BCP 47, e.g. <c>de</c>) from their token when they booked;
/// null when unknown (then notifications-api asks users-api). The other booking events carry it the same way.
/// </summary>
public sealed record BookingConfirmed(
    Guid BookingId, Guid EventId, Guid UserId, string? UserEmail, string? UserName, string EventTitle, DateTimeOffset EventStartsAt,
    int Quantity, Money Amount, Guid HoldId, IReadOnlyList<TicketInfo> Tickets, DateTimeOffset ConfirmedAt, Guid? OrganizerId = null,
    IReadOnlyList<BookingLineInfo>? Lines = null, string? EventTimeZone = null, string? Language = null) : IIntegrationEvent
{
    public static string EventName => "booking.confirmed";
}

/// <summary>A booking cancelled by its attendee, the organizer, an admin or an event cancellation.</summary>
public sealed record BookingCancelled(
    Guid BookingId, Guid EventId, Guid UserId, string? UserEmail, string EventTitle, int Quantity, Guid HoldId,
    string CancelledBy, string Reason, Money? Refund, DateTimeOffset CancelledAt, Guid? OrganizerId = null, string? Language = null) : IIntegrationEvent
{
    public static string EventName => "booking.cancelled";
}

/// <summary>
/// The event's organizer or an admin moved a booking to other seats of the same category (same price): <c>Moves</c> says from
/// which seat to which, <c>Tickets</c> are the booking's valid tickets with their seats now (their codes unchanged).
/// notifications-api tells the attendee.
/// </summary>
public sealed record BookingSeatsMoved(
    Guid BookingId, Guid EventId, Guid UserId, string? UserEmail, string EventTitle, DateTimeOffset EventStartsAt, string? EventTimeZone,
    IReadOnlyList<SeatMoveInfo> Moves, IReadOnlyList<TicketInfo> Tickets, string MovedBy, string? Reason, DateTimeOffset MovedAt,
    Guid? OrganizerId = null, string? Language = null) : IIntegrationEvent
{
    public static string EventName => "booking.seats-moved";
}

/// <summary>One seat of a booking moved to another.</summary>
public sealed record SeatMoveInfo(SeatInfo From, SeatInfo To);

/// <summary>An unpaid booking whose hold ran out.</summary>
public sealed record BookingExpired(
    Guid BookingId, Guid EventId, Guid UserId, string? UserEmail, string EventTitle, int Quantity, Guid HoldId, DateTimeOffset ExpiredAt,
    string? Language = null) : IIntegrationEvent
{
    public static string EventName => "booking.expired";
}

/// <summary>Money returned to an attendee.</summary>
public sealed record PaymentRefunded(
    Guid PaymentId, Guid BookingId, Guid EventId, Guid UserId, string? UserEmail, Money Amount, string Reason, DateTimeOffset RefundedAt,
    Guid? OrganizerId = null, string? Language = null) : IIntegrationEvent
{
    public static string EventName => "payment.refunded";
}

/// <summary>The date, time or venue of a published event changed. <c>TimeZone</c> (the event's IANA zone) was added later: null in older messages.</summary>
public sealed record EventUpdated(
    Guid EventId, Guid OrganizerId, string Title, string Venue, string City, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    IReadOnlyList<string> ChangedFields, DateTimeOffset UpdatedAt, string? TimeZone = null) : IIntegrationEvent
{
    public static string EventName => "event.updated";
}

/// <summary>
/// An organizer or admin cancelled an event: every booking is refunded and every attendee told. <c>TimeZone</c> (the event's
/// IANA zone) was added later: null in older messages.
/// </summary>
public sealed record EventCancelled(
    Guid EventId, Guid OrganizerId, string Title, DateTimeOffset StartsAt, string Reason, DateTimeOffset CancelledAt,
    string? TimeZone = null) : IIntegrationEvent
{
    public static string EventName => "event.cancelled";
}

/// <summary>
/// events-api offered seats that came back to the next buyer on a sold-out event's waiting list: they are held for the buyer
/// (a hold whose id is <c>OfferId</c>, which is also the id of the booking that accepts it) until <c>ExpiresAt</c>; unanswered,
/// they go to the next buyer. notifications-api tells the buyer (notification and email with the link to book).
/// </summary>
public sealed record WaitingListOffered(
    Guid OfferId, Guid EventId, Guid UserId, string? UserEmail, string? UserName, int Quantity, Guid? TicketTypeId, string EventTitle,
    DateTimeOffset EventStartsAt, string EventTimeZone, DateTimeOffset ExpiresAt, DateTimeOffset OfferedAt) : IIntegrationEvent
{
    public static string EventName => "waitlist.offered";
}

/// <summary>
/// bookings-api disabled an organizer's webhook endpoint: one delivery failed every attempt of the retry schedule and the
/// endpoint received nothing meanwhile. Its organizer is told (notification and email) so they can fix it and replay.
/// </summary>
public sealed record WebhookEndpointDisabled(Guid EndpointId, Guid OrganizerId, string Url, string Reason, DateTimeOffset DisabledAt) : IIntegrationEvent
{
    public static string EventName => "webhook.endpoint-disabled";
}

/// <summary>
/// users-api wants a person to prove they read mail at <paramref name="Email"/> (after registering, or on request). The raw
/// one-time token travels only here, to be emailed; users-api stores its hash. Useless after <paramref name="ExpiresAt"/> or once used.
/// </summary>
public sealed record EmailVerificationRequested(Guid UserId, string Email, string? DisplayName, [property: Secret] string Token, DateTimeOffset ExpiresAt) : IIntegrationEvent
{
    public static string EventName => "user.email-verification-requested";
}

/// <summary>
/// Someone asked to reset the password of the account at <paramref name="Email"/>: the single-use link goes to that address
/// only. Same token handling as <see cref="EmailVerificationRequested"/>.
/// </summary>
public sealed record PasswordResetRequested(Guid UserId, string Email, string? DisplayName, [property: Secret] string Token, DateTimeOffset ExpiresAt) : IIntegrationEvent
{
    public static string EventName => "user.password-reset-requested";
}
