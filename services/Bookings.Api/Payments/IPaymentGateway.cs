namespace Bookings.Api.Payments;

public enum ChargeOutcome
{
    Succeeded,
    Declined,
    /// <summary>The gateway did not answer in time: the charge may or may not have happened (ask again later).</summary>
    Unknown,
    /// <summary>The gateway has no charge for this payment id.</summary>
    NotFound,
}

public sealed record ChargeRequest(Guid PaymentId, decimal Amount, string Currency, string CardNumber);

public sealed record ChargeResult(ChargeOutcome Outcome, string? Reference = null, string? DeclineCode = null, string? Message = null);

/// <summary>
/// A card payment gateway. Every call is idempotent per payment id: charging the same payment twice charges once,
/// refunding twice refunds once.
/// </summary>
public interface IPaymentGateway
{
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    /// <summary>Looks up the outcome of an earlier charge (used by the reconciler for unknown outcomes).</summary>
    Task<ChargeResult> GetChargeAsync(Guid paymentId, CancellationToken cancellationToken);

    /// <summary>Refunds up to the charged amount; returns false when there is no successful charge to refund.</summary>
    Task<bool> RefundAsync(Guid paymentId, decimal amount, CancellationToken cancellationToken);
}
