using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.Options;

namespace Events.Api.Analytics;

/// <summary>
/// Empties the <see cref="SignalCollector"/>'s queue into the store: every <c>Analytics:FlushInterval</c> (1 s), or as soon
/// as <c>Analytics:MaxBatch</c> signals (or half the queue) are waiting, it writes what is queued, up to <c>MaxBatch</c> signals
/// per statement, then the drop counts. So a sale rush costs one INSERT per batch, not one per view, impression or search
/// (before: the writer woke for every signal and wrote a row per statement, 3.2 INSERTs per booking sold). A batch whose
/// write fails is dropped and counted (the queue must keep moving; signals are not worth a retry loop that would let it fill).
/// Each replica writes its own signals: the totals live in the database only.
/// Impressions come twenty to a list page, so a batch's impressions of one event (and hour) become one row whose quantity
/// is their number: at thousands of pages a second the database gets one row per event shown, not one per time shown.
/// <para>
/// What can be lost: on a clean stop (<see cref="StopAsync"/>) nothing — what is queued is written, within the host's
/// shutdown time. A crash (kill -9, power loss) loses what was queued and not yet written: at most one flush interval's
/// signals (never more than <c>QueueCapacity</c>) per replica. These are analytics (views, impressions, searches), never
/// bookings: purchases and cancellations are not queued, they are written in the booking message's inbox transaction.
/// </para>
/// </summary>
public sealed partial class SignalWriter(
    SignalCollector collector, IServiceScopeFactory scopes, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<SignalWriter> logger)
    : BackgroundService
{
    /// <summary>The time a write in progress, and then the rest of the queue, may take once the host stops.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    // Cancels writes only when stopping has run out of grace (not at the stop signal, which would drop the batch in flight).
    private readonly CancellationTokenSource _writes = new();
    // The queue has one reader: the loop and FlushAsync take turns.
    private readonly SemaphoreSlim _draining = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Signal>(options.Value.MaxBatch);
        while (true)
        {
            try
            {
                await collector.WaitForBatchAsync(options.Value.FlushInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // StopAsync writes what is left
            }

            await DrainAsync(batch, _writes.Token);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _writes.CancelAfter(StopGrace);
        await base.StopAsync(cancellationToken); // ends the loop after the write it is in
        // What is queued at shutdown is written if the host grants the time, else counted as dropped.
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _writes.Token);
        await DrainAsync(new List<Signal>(options.Value.MaxBatch), grace.Token);
    }

    public override void Dispose()
    {
        _writes.Dispose();
        _draining.Dispose();
        base.Dispose();
    }

    /// <summary>Writes what is queued now, without waiting for the flush interval (for tests and operators that must read it at once).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => DrainAsync(new List<Signal>(options.Value.MaxBatch), cancellationToken);

    private async Task DrainAsync(List<Signal> batch, CancellationToken cancellationToken)
    {
        await _draining.WaitAsync(cancellationToken);
        try
        {
            await WriteAvailableAsync(batch, cancellationToken);
        }
        finally
        {
            _draining.Release();
        }
    }

    /// <summary>Writes every queued signal, one batch at a time, then the drop counts.</summary>
    private async Task WriteAvailableAsync(List<Signal> batch, CancellationToken cancellationToken)
    {
        var reader = collector.Reader;
        var impressions = new Dictionary<(Guid EventId, long Hour), Signal>();
        bool full;
        do
        {
            batch.Clear();
            impressions.Clear();
            while (!(full = batch.Count + impressions.Count >= options.Value.MaxBatch) && reader.TryRead(out var signal))
            {
                if (signal is { Kind: SignalKind.Impression, EventId: { } eventId })
                {
                    var key = (eventId, signal.OccurredAt.UtcTicks / TimeSpan.TicksPerHour);
                    impressions[key] = impressions.TryGetValue(key, out var first)
                        ? first with { Quantity = first.Quantity + signal.Quantity }
                        : signal;
                }
                else
                {
                    batch.Add(signal);
                }
            }

            batch.AddRange(impressions.Values);
            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch, cancellationToken);
            }
        }
        while (full);

        await WriteDroppedAsync(cancellationToken);
    }

    private async Task WriteBatchAsync(List<Signal> batch, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IAnalyticsStore>().AppendAsync(batch, cancellationToken);
        }
        catch (Exception ex)
        {
            collector.Drop(batch, "write-failed");
            LogBatchFailed(logger, ex, batch.Count);
        }
    }

    private async Task WriteDroppedAsync(CancellationToken cancellationToken)
    {
        var dropped = collector.TakeDropped();
        if (dropped.Count == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IAnalyticsStore>().AddDroppedAsync(dropped, cancellationToken);
        }
        catch (Exception ex)
        {
            collector.ReturnDropped(dropped);
            LogDroppedFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} analytics signals failed; they are counted as dropped")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the dropped-signal counts failed; retrying with the next batch")]
    private static partial void LogDroppedFailed(ILogger logger, Exception exception);
}
