namespace Bookings.Api.Model;

public enum BookingStatus
{
    PendingPayment,
    Confirmed,
    Cancelled,
    Refunded,
    Expired,
}

/// <summary>
/// A booking of <see cref="Quantity"/> seats of one event, in one <see cref="BookingLine"/> per ticket type. Its state machine:
/// <c>PendingPayment → Confirmed → Cancelled | Refunded</c> and <c>PendingPayment → Expired | Cancelled</c>.
/// The hold in events-api has the booking's id, so every retry is idempotent end to end.
/// </summary>
public sealed class Booking
{
    private Booking()
    {
    }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public Guid UserId { get; private set; }
    public string? UserEmail { get; private set; }
    public string? UserName { get; private set; }
    /// <summary>
    /// The buyer's preferred language (a BCP 47 tag) as their token said when they booked (<c>locale</c>), null when it named none
    /// or for bookings made before it was kept. It travels in the booking's events, so notifications-api need not ask users-api.
    /// </summary>
    public string? UserLanguage { get; private set; }
    public Guid OrganizerId { get; private set; }
    public string EventTitle { get; private set; } = "";
    public DateTimeOffset EventStartsAt { get; private set; }
    /// <summary>The IANA id of the event's time zone, in which its times are shown to the attendee ("UTC" for bookings made before it was kept).</summary>
    public string EventTimeZone { get; private set; } = "UTC";
    public int Quantity { get; private set; }
    /// <summary>The price of one seat: its line's with one line; with several, the gross over the seats, rounded to cents.</summary>
    public decimal UnitPrice { get; private set; }
    /// <summary>The seats per ticket type, at the prices events-api's hold took them at (Σ quantities = <see cref="Quantity"/>).</summary>
    public List<BookingLine> Lines { get; private set; } = [];
    /// <summary>What the buyer pays: Σ the lines' quantity × unit price − <see cref="Discount"/>.</summary>
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>The promo code redeemed by this booking (it holds one of the code's uses while pending or confirmed).</summary>
    public Guid? PromoCodeId { get; private set; }
    public string? PromoCode { get; private set; }
    public decimal Discount { get; private set; }
    public BookingStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset HoldExpiresAt { get; private set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public string? CancelledBy { get; private set; }
    public string? CancellationReason { get; private set; }
    public DateTimeOffset? ExpiredAt { get; private set; }
    public DateTimeOffset? RefundedAt { get; private set; }
    /// <summary>Lease taken by the expiry sweep of one replica (see <c>ExpireBookings</c>).</summary>
    public DateTimeOffset? SweepLeaseUntil { get; private set; }
    public uint Version { get; private set; }

    public static Booking Create(Guid id, Guid eventId, Guid userId, string? userEmail, string? userName, Guid organizerId,
        string eventTitle, DateTimeOffset eventStartsAt, string eventTimeZone, IReadOnlyList<BookingLine> lines, string currency,
        DateTimeOffset holdExpiresAt, DateTimeOffset now, string? userLanguage = null)
    {
        if (lines.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lines), "A booking holds at least one seat.");
        }

        var quantity = lines.Sum(l => l.Quantity);
        var gross = lines.Sum(l => l.Gross);
        return new Booking
        {
            Id = id,
            EventId = eventId,
            UserId = userId,
            UserEmail = userEmail,
            UserName = userName,
            UserLanguage = userLanguage,
            OrganizerId = organizerId,
            EventTitle = eventTitle,
            EventStartsAt = eventStartsAt,
            EventTimeZone = eventTimeZone,
            Quantity = quantity,
            UnitPrice = lines.Count == 1 ? lines[0].UnitPrice : decimal.Round(gross / quantity, 2),
            Lines = [.. lines],
            Amount = gross,
            Currency = currency,
            Status = BookingStatus.PendingPayment,
            CreatedAt = now,
            HoldExpiresAt = holdExpiresAt,
        };
    }

    /// <summary>
    /// Applies a promo code to a new booking: the discount comes off the lines of the types in the code's scope (never below
    /// zero), shared among them in proportion to their gross (the cent left by rounding goes to the last). A code that covers
    /// none of the booking's types and unlocks none of them does not apply (<c>promo-code-not-applicable</c>).
    /// </summary>
    public void Redeem(Model.PromoCode code)
    {
        Require(BookingStatus.PendingPayment, "discount");
        if (!Lines.Any(l => code.AppliesTo(l.TicketTypeId)))
        {
            throw new DomainException(PromoCodeErrors.NotApplicable);
        }

        var scoped = Lines.Where(l => code.Covers(l.TicketTypeId)).ToList();
        var scopedGross = scoped.Sum(l => l.Gross);
        var discount = code.DiscountOn(scopedGross);
        var left = discount;
        for (var i = 0; i < scoped.Count; i++)
        {
            var share = i == scoped.Count - 1 || scopedGross == 0
                ? left
                : Math.Min(left, decimal.Round(discount * scoped[i].Gross / scopedGross, 2, MidpointRounding.AwayFromZero));
            scoped[i].TakeDiscount(share);
            left -= share;
        }

        PromoCodeId = code.Id;
        PromoCode = code.Code;
        Discount = discount;
        Amount = Lines.Sum(l => l.Gross) - Discount;
    }

    /// <summary>Who cancelled a booking because its event was cancelled (its attendee still hears about the cancellation).</summary>
    public const string CancelledWithEvent = "event-cancelled";

    /// <summary>The statuses in which a booking holds a use of its promo code.</summary>
    public static readonly BookingStatus[] HoldsPromoUse = [BookingStatus.PendingPayment, BookingStatus.Confirmed];

    public bool IsOwnedBy(Guid userId) => UserId == userId;

    /// <summary>Whether a payment may start now: pending and the hold still running.</summary>
    public void EnsurePayable(DateTimeOffset now)
    {
        if (Status != BookingStatus.PendingPayment)
        {
            throw new DomainException("not-payable", ErrorKind.Conflict, $"The booking is {Status}; only a booking pending payment can be paid.");
        }

        if (now >= HoldExpiresAt)
        {
            throw new DomainException("booking-expired", ErrorKind.Conflict, "The seats were held until " + HoldExpiresAt.ToString("O") + "; the booking can no longer be paid.");
        }
    }

    public void Confirm(DateTimeOffset now)
    {
        Require(BookingStatus.PendingPayment, "confirm");
        Status = BookingStatus.Confirmed;
        ConfirmedAt = now;
    }

    /// <summary>Cancels a pending or confirmed booking.</summary>
    public void Cancel(string cancelledBy, string reason, DateTimeOffset now)
    {
        EnsureCancellable();
        Status = BookingStatus.Cancelled;
        CancelledAt = now;
        CancelledBy = cancelledBy;
        CancellationReason = reason;
    }

    public void EnsureCancellable()
    {
        if (Status is not (BookingStatus.PendingPayment or BookingStatus.Confirmed))
        {
            throw new DomainException("illegal-transition", ErrorKind.Conflict, $"A booking that is {Status} cannot be cancelled.");
        }
    }

    /// <summary>Whether an admin refund may start: only a confirmed booking is refunded.</summary>
    public void EnsureRefundable()
    {
        if (Status != BookingStatus.Confirmed)
        {
            throw new DomainException("illegal-transition", ErrorKind.Conflict, $"Only a confirmed booking can be refunded; this one is {Status}.");
        }
    }

    /// <summary>An admin refund of a confirmed booking: the money goes back and the seats are returned.</summary>
    public void Refund(string reason, DateTimeOffset now)
    {
        Require(BookingStatus.Confirmed, "refund");
        Status = BookingStatus.Refunded;
        RefundedAt = now;
        CancellationReason = reason;
    }

    public void Expire(DateTimeOffset now)
    {
        Require(BookingStatus.PendingPayment, "expire");
        if (now < HoldExpiresAt)
        {
            throw new DomainException("not-expired", ErrorKind.Conflict, "The hold of this booking is still running.");
        }

        Status = BookingStatus.Expired;
        ExpiredAt = now;
    }

    private void Require(BookingStatus expected, string action)
    {
        if (Status != expected)
        {
            throw new DomainException("illegal-transition", ErrorKind.Conflict, $"Cannot {action} a booking that is {Status}; it must be {expected}.");
        }
    }
}
