using System.Threading.RateLimiting;
using Bookings.Api.UseCases;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Apis;

/// <summary>Marks the endpoint that starts a purchase (create a booking): it passes the replica's <see cref="PurchaseDoor"/>.</summary>
public sealed class PurchaseEndpoint;

/// <summary>
/// Load shedding at the door: at most <see cref="BookingOptions.MaxConcurrentPurchases"/> new bookings are worked on at once
/// per replica (<see cref="BookingOptions.PurchaseQueueLimit"/> more wait, oldest first); beyond that a booking is refused at
/// once with 503 + <c>Retry-After</c> instead of queueing for a connection, a hot row or the CPU until every request is slow.
/// It runs before authentication, so a refusal costs no token validation and no body parsing, and nothing is done: the same
/// request (same <c>Idempotency-Key</c>) may be sent again. Payments are never shed (each completes a booking that was let in
/// and already holds seats); reads are never limited here.
/// </summary>
public sealed class PurchaseDoor : IMiddleware, IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public PurchaseDoor(IOptions<BookingOptions> options) =>
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.MaxConcurrentPurchases,
            QueueLimit = options.Value.PurchaseQueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PurchaseEndpoint>() is null)
        {
            await next(context);
            return;
        }

        var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            lease = await _limiter.AcquireAsync(1, context.RequestAborted);
        }

        using (lease)
        {
            if (!lease.IsAcquired)
            {
                context.Response.Headers.RetryAfter = "1";
                await Problems.For(Error.Unavailable(EventBooking.ServiceDefaults.TransientFailureExceptionHandler.Code,
                    "Too many bookings are being processed right now; retry in a moment with the same Idempotency-Key.")).ExecuteAsync(context);
                return;
            }

            await next(context);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
