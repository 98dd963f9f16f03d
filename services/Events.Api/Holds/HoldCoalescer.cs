using System.Collections.Concurrent;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.Options;

namespace Events.Api.Holds;

/// <summary>
/// Group commit for hold requests, per event: while one batch for an event is in its database transaction, the
/// requests arriving for that event queue up and go together in the next transaction. So a sale rush on one event
/// costs one lock of its counters row per batch instead of one per hold, and a quiet event sees no added latency
/// (a lone request is sent at once). Decisions inside a batch are made in arrival order against the locked counters.
/// </summary>
public sealed partial class HoldCoalescer(IServiceScopeFactory scopes, TimeProvider time, IOptions<InventoryOptions> options, ILogger<HoldCoalescer> logger)
{
    private readonly ConcurrentDictionary<Guid, Lane> _lanes = new();

    public Task<PlaceHoldOutcome> PlaceAsync(Guid eventId, HoldRequest request, CancellationToken cancellationToken)
    {
        if (!options.Value.CoalesceHolds)
        {
            return PlaceAloneAsync(eventId, request, cancellationToken);
        }

        var pending = new Pending(request, new TaskCompletionSource<PlaceHoldOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        while (true)
        {
            var lane = _lanes.GetOrAdd(eventId, static id => new Lane(id));
            bool startDrainer;
            lock (lane)
            {
                if (lane.Retired)
                {
                    continue; // removed from the map while we looked it up: take the new one
                }

                lane.Queue.Enqueue(pending);
                startDrainer = !lane.Draining;
                lane.Draining = true;
            }

            if (startDrainer)
            {
                _ = Task.Run(() => DrainAsync(lane), CancellationToken.None);
            }

            // The caller may stop waiting; the hold is still decided (and is idempotent per hold id).
            return pending.Completion.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task<PlaceHoldOutcome> PlaceAloneAsync(Guid eventId, HoldRequest request, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IInventoryStore>();
        var outcomes = await store.PlaceHoldsAsync(eventId, [request], time.GetUtcNow(), cancellationToken);
        return outcomes[0];
    }

    private async Task DrainAsync(Lane lane)
    {
        var maxBatch = options.Value.MaxHoldBatch;
        while (true)
        {
            var batch = new List<Pending>();
            lock (lane)
            {
                while (batch.Count < maxBatch && lane.Queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    lane.Draining = false;
                    lane.Retired = true;
                    _lanes.TryRemove(new KeyValuePair<Guid, Lane>(lane.EventId, lane));
                    return;
                }
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<IInventoryStore>();
                var outcomes = await store.PlaceHoldsAsync(lane.EventId, batch.Select(p => p.Request).ToList(), time.GetUtcNow(), CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(outcomes[i]);
                }

                if (batch.Count > 1)
                {
                    LogBatch(logger, lane.EventId, batch.Count);
                }
            }
            catch (Exception ex)
            {
                // The batch's transaction rolled back: every caller gets the error (and may retry with the same hold id).
                LogBatchFailed(logger, ex, lane.EventId, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Placed {Count} holds on event {EventId} in one transaction")]
    private static partial void LogBatch(ILogger logger, Guid eventId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} holds on event {EventId} failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, Guid eventId, int count);

    private sealed record Pending(HoldRequest Request, TaskCompletionSource<PlaceHoldOutcome> Completion);

    private sealed class Lane(Guid eventId)
    {
        public Guid EventId { get; } = eventId;
        public Queue<Pending> Queue { get; } = new();
        public bool Draining { get; set; }
        public bool Retired { get; set; }
    }
}
