using System.Collections.Concurrent;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.Options;

namespace Events.Api.Holds;

/// <summary>
/// Group commit for the changes that lock an event's counters row, per event and per kind (placing holds, confirming them):
/// while one batch for an event is in its database transaction, the requests arriving for that event queue up and go
/// together in the next transaction. So a sale rush on one event costs one lock of its counters row per batch instead of
/// one per buyer, and a quiet event sees no added latency (a lone request is sent at once, as one statement). Decisions
/// inside a batch are made in arrival order against the locked counters.
/// </summary>
public sealed partial class HoldCoalescer
{
    private readonly Lanes<HoldRequest, PlaceHoldOutcome> _places;
    private readonly Lanes<Guid, ConfirmHoldOutcome> _confirms;

    public HoldCoalescer(IServiceScopeFactory scopes, TimeProvider time, IOptions<InventoryOptions> options, ILogger<HoldCoalescer> logger)
    {
        _places = new("holds", (store, eventId, requests, ct) => store.PlaceHoldsAsync(eventId, requests, time.GetUtcNow(), ct), scopes, options, logger);
        _confirms = new("confirmations", (store, eventId, holdIds, ct) => store.ConfirmHoldsAsync(eventId, holdIds, time.GetUtcNow(), ct), scopes, options, logger);
    }

    /// <summary>Places a hold (idempotent per hold id).</summary>
    public Task<PlaceHoldOutcome> PlaceAsync(Guid eventId, HoldRequest request, CancellationToken cancellationToken) =>
        _places.SubmitAsync(eventId, request, cancellationToken);

    /// <summary>Sells a hold's seats (idempotent per hold id).</summary>
    public Task<ConfirmHoldOutcome> ConfirmAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken) =>
        _confirms.SubmitAsync(eventId, holdId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Made {Count} {Kind} on event {EventId} in one transaction")]
    private static partial void LogBatch(ILogger logger, int count, string kind, Guid eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} {Kind} on event {EventId} failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, string kind, Guid eventId);

    /// <summary>One lane per event for one kind of change: a queue and at most one drainer sending it in batches.</summary>
    private sealed class Lanes<TRequest, TOutcome>(
        string kind,
        Func<IInventoryStore, Guid, IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TOutcome>>> apply,
        IServiceScopeFactory scopes,
        IOptions<InventoryOptions> options,
        ILogger logger)
    {
        private readonly ConcurrentDictionary<Guid, Lane> _lanes = new();

        public Task<TOutcome> SubmitAsync(Guid eventId, TRequest request, CancellationToken cancellationToken)
        {
            if (!options.Value.CoalesceHolds)
            {
                return AloneAsync(eventId, request, cancellationToken);
            }

            var pending = new Pending(request, new TaskCompletionSource<TOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
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

                // The caller may stop waiting; the change is still decided (and is idempotent per hold id).
                return pending.Completion.Task.WaitAsync(cancellationToken);
            }
        }

        private async Task<TOutcome> AloneAsync(Guid eventId, TRequest request, CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            var outcomes = await apply(scope.ServiceProvider.GetRequiredService<IInventoryStore>(), eventId, [request], cancellationToken);
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
                    var outcomes = await apply(store, lane.EventId, batch.Select(p => p.Request).ToList(), CancellationToken.None);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Completion.TrySetResult(outcomes[i]);
                    }

                    if (batch.Count > 1)
                    {
                        LogBatch(logger, batch.Count, kind, lane.EventId);
                    }
                }
                catch (Exception ex)
                {
                    // The batch's transaction rolled back: every caller gets the error (and may retry with the same hold id).
                    LogBatchFailed(logger, ex, batch.Count, kind, lane.EventId);
                    foreach (var pending in batch)
                    {
                        pending.Completion.TrySetException(ex);
                    }
                }
            }
        }

        private sealed record Pending(TRequest Request, TaskCompletionSource<TOutcome> Completion);

        private sealed class Lane(Guid eventId)
        {
            public Guid EventId { get; } = eventId;
            public Queue<Pending> Queue { get; } = new();
            public bool Draining { get; set; }
            public bool Retired { get; set; }
        }
    }
}
