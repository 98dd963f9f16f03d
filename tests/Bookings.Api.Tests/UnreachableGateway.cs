using System.Collections.Concurrent;
using Bookings.Api.Payments;

namespace Bookings.Api.Tests;

/// <summary>
/// The real simulated gateway, except that charges of chosen cards fail before they reach it, as when the network or
/// the gateway's database is away (a <see cref="TimeoutException"/>, which the service answers with 503).
/// </summary>
public sealed class UnreachableGateway(SimulatedPaymentGateway inner) : IPaymentGateway
{
    private readonly ConcurrentDictionary<string, int> _failures = new();

    /// <summary>The next <paramref name="times"/> charges of <paramref name="cardNumber"/> (digits only) never arrive.</summary>
    public void FailCharges(string cardNumber, int times) => _failures[cardNumber] = times;

    public Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        var left = _failures.GetValueOrDefault(request.CardNumber);
        if (left > 0 && _failures.TryUpdate(request.CardNumber, left - 1, left))
        {
            throw new TimeoutException("The payment gateway could not be reached.");
        }

        return inner.ChargeAsync(request, cancellationToken);
    }

    public Task<ChargeResult> GetChargeAsync(Guid paymentId, CancellationToken cancellationToken) => inner.GetChargeAsync(paymentId, cancellationToken);

    public Task<bool> RefundAsync(Guid paymentId, decimal amount, CancellationToken cancellationToken) => inner.RefundAsync(paymentId, amount, cancellationToken);
}
