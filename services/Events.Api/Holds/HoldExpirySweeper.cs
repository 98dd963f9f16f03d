using Events.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace Events.Api.Holds;

/// <summary>
/// Returns the seats of expired holds. Runs on every replica: the store's sweep takes disjoint holds
/// (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, a conditional single-document update on MongoDB).
/// </summary>
public sealed partial class HoldExpirySweeper(IServiceScopeFactory scopes, TimeProvider time, IOptions<InventoryOptions> options, ILogger<HoldExpirySweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; holds stay held (never oversold) until then.
                LogSweepFailed(logger, ex);
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.Value.SweepBatchSize;
        var total = 0;
        int expired;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IInventoryStore>();
            expired = await store.ExpireHoldsAsync(time.GetUtcNow(), batchSize, cancellationToken);
            total += expired;
        }
        while (expired == batchSize);

        if (total > 0)
        {
            LogExpired(logger, total);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} holds and returned their seats")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping expired holds failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
