using Bookings.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace Bookings.Api.UseCases;

/// <summary>Runs the expiry sweep, the payment reconciler and the purge of old idempotency keys on a timer.</summary>
public sealed partial class BookingMaintenanceWorker(IServiceScopeFactory scopes, IOptions<BookingOptions> options, TimeProvider time,
    ILogger<BookingMaintenanceWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ExpireBookings>().RunAsync(stoppingToken);
                await scope.ServiceProvider.GetRequiredService<ReconcilePayments>().RunAsync(stoppingToken);
                await scope.ServiceProvider.GetRequiredService<IdempotencyStore>().PurgeExpiredAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogMaintenanceFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Booking maintenance (expiry sweep, payment reconciliation) failed; retrying on the next tick")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
