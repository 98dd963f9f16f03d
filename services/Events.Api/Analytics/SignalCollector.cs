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

    public SignalCollector(IOptions<AnalyticsOptions> options, IMeterFactory meters)
    {
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
            return true;
        }

        Drop([signal], "queue-full");
        return false;
    }

    internal ChannelReader<Signal> Reader => _queue.Reader;

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
