using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Events.Api.Model;
using Microsoft.Extensions.Options;

namespace Events.Api.Analytics;

/// <summary>
/// Where request handlers leave analytics signals: a bounded in-memory queue that <see cref="SignalWriter"/> empties into the
/// store in batches. <see cref="Record"/> never waits and never throws: when the queue is full the signal is dropped and
/// counted, per event, in memory until the writer adds the counts to the store (so every replica's drops reach the
/// reports), and on the <c>eventbooking.analytics.signals.dropped</c> counter.
/// </summary>
public sealed class SignalCollector
{
    private readonly Channel<Signal> _queue;
    private readonly ConcurrentDictionary<Guid, long> _dropped = new();
    private readonly Counter<long> _droppedCounter;
    private readonly Counter<long> _acceptedCounter;
    // How many queued signals wake the writer before its flush interval ends: a batch's worth, or half the queue when that is
    // smaller (so the queue never fills while the writer waits out its interval).
    private readonly int _wakeAt;
    private TaskCompletionSource _batchReady = NewBatchReady();

    public SignalCollector(IOptions<AnalyticsOptions> options, IMeterFactory meters)
    {
        _wakeAt = Math.Max(1, Math.Min(options.Value.MaxBatch, options.Value.QueueCapacity / 2));
        _queue = Channel.CreateBounded<Signal>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite answers false at once instead of waiting
            SingleReader = true,
        });
        var meter = meters.Create(Telemetry.EventBookingMeterName);
        _droppedCounter = meter.CreateCounter<long>("eventbooking.analytics.signals.dropped", "{signal}",
            "Analytics signals lost: the queue was full or the write failed.");
        _acceptedCounter = meter.CreateCounter<long>("eventbooking.analytics.signals.accepted", "{signal}", "Analytics signals queued for the writer.");
    }

    /// <summary>Queues a signal; false (and counted as dropped) when the queue is full.</summary>
    public bool Record(Signal signal)
    {
        if (_queue.Writer.TryWrite(signal))
        {
            _acceptedCounter.Add(1);
            if (_queue.Reader.Count >= _wakeAt)
            {
                Volatile.Read(ref _batchReady).TrySetResult();
            }

            return true;
        }

        Drop([signal], "queue-full");
        return false;
    }

    internal ChannelReader<Signal> Reader => _queue.Reader;

    /// <summary>
    /// Returns when <paramref name="interval"/> has passed or a batch's worth of signals is queued, whichever comes first
    /// (the writer's pace: many rows per statement, however fast or slow signals arrive). Throws when cancelled.
    /// </summary>
    internal async Task WaitForBatchAsync(TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        var ready = Volatile.Read(ref _batchReady);
        if (_queue.Reader.Count < _wakeAt)
        {
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(ready.Task, Task.Delay(interval, time, delay.Token));
            await delay.CancelAsync(); // the timer goes with it when a full batch woke us first
            cancellationToken.ThrowIfCancellationRequested();
        }

        // A fresh signal for the next wait; a Record that completed the old one queued its signal before this line, so the
        // caller's drain, which follows, takes it.
        Interlocked.Exchange(ref _batchReady, NewBatchReady());
    }

    private static TaskCompletionSource NewBatchReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Counts <paramref name="signals"/> as dropped, per event.</summary>
    internal void Drop(IReadOnlyCollection<Signal> signals, string reason)
    {
        var total = 0L;
        foreach (var signal in signals)
        {
            // A folded impression row stands for as many impressions as its quantity (see SignalWriter).
            long count = signal.Kind == SignalKind.Impression ? signal.Quantity : 1;
            _dropped.AddOrUpdate(signal.EventId ?? Guid.Empty, count, (_, n) => n + count);
            total += count;
        }

        _droppedCounter.Add(total, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>Takes the drop counts not yet stored (empty when there are none).</summary>
    internal Dictionary<Guid, long> TakeDropped()
    {
        var taken = new Dictionary<Guid, long>();
        foreach (var eventId in _dropped.Keys)
        {
            if (_dropped.TryRemove(eventId, out var count))
            {
                taken[eventId] = count;
            }
        }

        return taken;
    }

    /// <summary>Puts back drop counts the store did not take, to try again.</summary>
    internal void ReturnDropped(IReadOnlyDictionary<Guid, long> counts)
    {
        foreach (var (eventId, count) in counts)
        {
            _dropped.AddOrUpdate(eventId, count, (_, n) => n + count);
        }
    }
}
