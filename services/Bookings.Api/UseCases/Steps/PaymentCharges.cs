using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.Payments;

namespace Bookings.Api.UseCases.Steps;

/// <summary>
/// Sends a pending payment's charge to the gateway, or asks the gateway what became of it, and records the outcome at once
/// (before anything else happens, so a charge is never forgotten). An unknown outcome leaves the payment pending.
/// </summary>
public sealed partial class PaymentCharges(BookingsDbContext db, IPaymentGateway gateway, TimeProvider time, ILogger<PaymentCharges> logger)
{
    public async Task ChargeAsync(Payment payment, string cardNumber, CancellationToken cancellationToken) =>
        await RecordAsync(payment, await gateway.ChargeAsync(new ChargeRequest(payment.Id, payment.Amount, payment.Currency, cardNumber), cancellationToken), cancellationToken);

    /// <summary>Settles a payment whose outcome was unknown with the gateway's record of it.</summary>
    public async Task LookUpAsync(Payment payment, CancellationToken cancellationToken) =>
        await RecordAsync(payment, await gateway.GetChargeAsync(payment.Id, cancellationToken), cancellationToken);

    private async Task RecordAsync(Payment payment, ChargeResult charge, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (charge.Outcome)
        {
            case ChargeOutcome.Succeeded:
                payment.Succeed(charge.Reference ?? "", now);
                break;
            case ChargeOutcome.Declined:
                payment.Fail(charge.DeclineCode ?? "card_declined", charge.Message ?? "The card was declined.", now);
                break;
            case ChargeOutcome.NotFound:
                payment.Fail(Payment.NotChargedCode, "The gateway never received this charge; paying again sends it again.", now);
                break;
            default:
                LogPaymentOutcomeUnknown(logger, payment.Id);
                return;
        }

        await PaymentRows.RecordOutcomeAsync(db, payment, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: the gateway's answer is unknown; the reconciler settles it")]
    private static partial void LogPaymentOutcomeUnknown(ILogger logger, Guid paymentId);
}
