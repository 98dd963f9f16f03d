namespace Bookings.Api.Model;

public enum PaymentStatus
{
    /// <summary>Sent to the gateway, outcome not known yet (the reconciler asks the gateway later).</summary>
    Pending,
    Succeeded,
    Failed,
    Refunded,
}

/// <summary>
/// One attempt to pay a booking. State machine: <c>Pending → Succeeded | Failed</c>, <c>Succeeded → Refunded</c>, and
/// <c>Failed → Pending</c> only when the charge never reached the gateway (<see cref="NotChargedCode"/>).
/// At most one payment of a booking is Pending or Succeeded at a time (a unique index enforces it): one charge.
/// </summary>
public sealed class Payment
{
    /// <summary>The failure code of a payment whose charge the gateway never received (the request failed before it got there).</summary>
    public const string NotChargedCode = "not_charged";

    private Payment()
    {
    }

    public Guid Id { get; private set; }
    public Guid BookingId { get; private set; }
    public Guid EventId { get; private set; }
    public Guid UserId { get; private set; }
    public decimal Amount { get; private set; }
    public string Currency { get; private set; } = "";
    public PaymentStatus Status { get; private set; }
    public string CardLast4 { get; private set; } = "";
    public string? GatewayReference { get; private set; }
    public string? FailureCode { get; private set; }
    public string? FailureMessage { get; private set; }
    public decimal RefundedAmount { get; private set; }
    public string? RefundReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public DateTimeOffset? RefundedAt { get; private set; }
    /// <summary>The booking's promo code and the discount it gave, recorded with the charge.</summary>
    public string? PromoCode { get; private set; }
    public decimal Discount { get; private set; }
    public uint Version { get; private set; }

    public static Payment Start(Guid id, Booking booking, string cardLast4, DateTimeOffset now) => new()
    {
        Id = id,
        BookingId = booking.Id,
        EventId = booking.EventId,
        UserId = booking.UserId,
        Amount = booking.Amount,
        Currency = booking.Currency,
        PromoCode = booking.PromoCode,
        Discount = booking.Discount,
        CardLast4 = cardLast4,
        Status = PaymentStatus.Pending,
        CreatedAt = now,
    };

    public void Succeed(string gatewayReference, DateTimeOffset now)
    {
        Require(PaymentStatus.Pending, "mark succeeded");
        Status = PaymentStatus.Succeeded;
        GatewayReference = gatewayReference;
        CompletedAt = now;
    }

    public void Fail(string code, string message, DateTimeOffset now)
    {
        Require(PaymentStatus.Pending, "mark failed");
        Status = PaymentStatus.Failed;
        FailureCode = code;
        FailureMessage = message;
        CompletedAt = now;
    }

    /// <summary>True when the gateway never received this payment's charge, so sending it again cannot charge twice.</summary>
    public bool CanRetryCharge => Status == PaymentStatus.Failed && FailureCode == NotChargedCode;

    /// <summary>Sends the same payment (same id, so the gateway still charges at most once) to the gateway again.</summary>
    public void RetryCharge()
    {
        if (!CanRetryCharge)
        {
            throw new DomainException("illegal-transition", ErrorKind.Conflict, $"Only a payment the gateway never received can be retried; this one is {Status}.");
        }

        Status = PaymentStatus.Pending;
        FailureCode = null;
        FailureMessage = null;
        CompletedAt = null;
    }

    public void MarkRefunded(decimal amount, string reason, DateTimeOffset now)
    {
        Require(PaymentStatus.Succeeded, "refund");
        if (amount < 0 || amount > Amount)
        {
            throw new DomainException("invalid-refund", ErrorKind.Conflict, $"A refund must be between 0 and {Amount} {Currency}.");
        }

        Status = PaymentStatus.Refunded;
        RefundedAmount = amount;
        RefundReason = reason;
        RefundedAt = now;
    }

    private void Require(PaymentStatus expected, string action)
    {
        if (Status != expected)
        {
            throw new DomainException("illegal-transition", ErrorKind.Conflict, $"Cannot {action} a payment that is {Status}; it must be {expected}.");
        }
    }
}
