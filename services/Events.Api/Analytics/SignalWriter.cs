using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.Options;

namespace Events.Api.Analytics;

/// <summary>
/// Empties the <see cref="SignalCollector"/>'s queue into the store: up to <c>Analytics:MaxBatch</c> signals per write, then
/// the drop counts. A batch whose write fails is dropped and counted (the queue must keep moving; signals are not worth a
/// retry loop that would let it fill). Each replica writes its own signals: the totals live in the database only.
/// Impressions come twenty to a list page, so a batch's impressions of one event (and hour) become one row whose quantity
/// is their number: at thousands of pages a second the database gets one row per event shown, not one per time shown.
/// </summary>
public sealed partial class SignalWriter(SignalCollector collector, IServiceScopeFactory scopes, IOptions<AnalyticsOptions> options, ILogger<SignalWriter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Signal>(options.Value.MaxBatch);
        while (!stoppingToken.IsCancellationRequested)
        {
            await WaitForSignalsAsync(stoppingToken);
            await WriteAvailableAsync(batch, stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What is queued at shutdown is written if the host grants the time, else counted as dropped.
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(TimeSpan.FromSeconds(5));
        await WriteAvailableAsync(new List<Signal>(options.Value.MaxBatch), grace.Token);
    }

    /// <summary>Writes every queued signal, one batch at a time, then the drop counts.</summary>
    public async Task WriteAvailableAsync(List<Signal> batch, CancellationToken cancellationToken)
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

    private async Task WaitForSignalsAsync(CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(options.Value.FlushInterval);
        try
        {
            await collector.Reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The flush interval passed: write the drop counts anyway.
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync writes what is left.
        }
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
