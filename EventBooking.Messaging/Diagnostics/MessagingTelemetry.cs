using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace EventBooking.Messaging;

/// <summary>
/// Names of the messaging ActivitySource and Meter (registered with OpenTelemetry by <c>AddEventBus</c>), and
/// the W3C propagation used on the wire (<c>traceparent</c>, <c>tracestate</c>, <c>baggage</c> headers).
/// Spans follow the OpenTelemetry messaging semantic conventions: <c>publish {event}</c> (Producer) and
/// <c>process {event}</c> (Consumer), the consumer's parent being the producer's span.
/// </summary>
public static class MessagingTelemetry
{
    public const string ActivitySourceName = "EventBooking.Messaging";
    public const string MeterName = "EventBooking.Messaging";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    // W3C trace context + W3C baggage, independent of whether the OpenTelemetry SDK set its defaults yet.
    internal static readonly TextMapPropagator Propagator = new CompositeTextMapPropagator(
        [new TraceContextPropagator(), new BaggagePropagator()]);

    internal const string TraceParentHeader = "traceparent";
    internal const string TraceStateHeader = "tracestate";
    internal const string BaggageHeader = "baggage";

    /// <summary>The current trace context as W3C header values (for an outbox row written now).</summary>
    internal static (string? TraceParent, string? TraceState, string? Baggage) CaptureCurrent()
    {
        var activity = Activity.Current;
        if (activity is null && Baggage.Current.Count == 0)
        {
            return (null, null, null);
        }

        var carrier = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Propagator.Inject(new PropagationContext(activity?.Context ?? default, MergedBaggage(activity)), carrier, static (c, k, v) => c[k] = v);
        return (carrier.GetValueOrDefault(TraceParentHeader), carrier.GetValueOrDefault(TraceStateHeader), carrier.GetValueOrDefault(BaggageHeader));
    }

    /// <summary>Parses stored or received W3C header values back into a parent context and baggage.</summary>
    internal static PropagationContext Extract(string? traceParent, string? traceState, string? baggage)
    {
        var carrier = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(traceParent))
        {
            carrier[TraceParentHeader] = traceParent;
        }

        if (!string.IsNullOrEmpty(traceState))
        {
            carrier[TraceStateHeader] = traceState;
        }

        if (!string.IsNullOrEmpty(baggage))
        {
            carrier[BaggageHeader] = baggage;
        }

        return Propagator.Extract(default, carrier, static (c, k) => c.TryGetValue(k, out var v) ? [v] : []);
    }

    internal static void Inject(ActivityContext context, Baggage baggage, IDictionary<string, object?> headers) =>
        Propagator.Inject(new PropagationContext(context, baggage), headers, static (c, k, v) => c[k] = v);

    internal static Baggage MergedBaggage(Activity? activity)
    {
        var baggage = Baggage.Current;
        if (activity is not null)
        {
            foreach (var (key, value) in activity.Baggage)
            {
                if (value is not null && baggage.GetBaggage(key) is null)
                {
                    baggage = baggage.SetBaggage(key, value);
                }
            }
        }

        return baggage;
    }
}

/// <summary>Counters and gauges of the bus, outbox and dead-letter queue (meter <see cref="MessagingTelemetry.MeterName"/>).</summary>
public sealed class MessagingMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _publishFailed;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _deadLettered;
    private readonly Histogram<double> _processDuration;
    private readonly Histogram<double> _publishDuration;
    private readonly Histogram<double> _outboxLag;

    public MessagingMetrics(IMeterFactory meterFactory, MessagingState state)
    {
        var meter = meterFactory.Create(MessagingTelemetry.MeterName);
        _published = meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages published and confirmed by the broker.");
        _publishFailed = meter.CreateCounter<long>("eventbooking.messaging.publish.failures", "{message}", "Publishes that failed (nacked, returned, timed out or disconnected).");
        _consumed = meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Deliveries processed, by outcome.");
        _retried = meter.CreateCounter<long>("eventbooking.messaging.retries", "{message}", "Deliveries scheduled for a retry after a handler failure.");
        _deadLettered = meter.CreateCounter<long>("eventbooking.messaging.dead_lettered", "{message}", "Messages moved to the dead-letter queue.");
        _processDuration = meter.CreateHistogram<double>("messaging.process.duration", "s", "Handler duration.");
        _publishDuration = meter.CreateHistogram<double>("messaging.client.operation.duration", "s", "Publish duration, confirm included.");
        _outboxLag = meter.CreateHistogram<double>("eventbooking.messaging.outbox.lag", "s", "Time from the outbox write to the broker's confirm.");
        meter.CreateObservableGauge("eventbooking.messaging.outbox.backlog", () => state.OutboxMeasurements(), "{message}", "Outbox rows not yet confirmed by the broker.");
        meter.CreateObservableGauge("eventbooking.messaging.dead_letter.messages", () => state.DeadLetterMeasurement(), "{message}", "Messages waiting in this service's dead-letter queue.");
    }

    internal void Published(string type, TimeSpan duration)
    {
        _published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", type));
        _publishDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("messaging.destination.name", type));
    }

    internal void PublishFailed(string type, string errorType) =>
        _publishFailed.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", type), new KeyValuePair<string, object?>("error.type", errorType));

    internal void Consumed(string type, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "messaging.destination.name", type }, { "eventbooking.outcome", outcome } };
        _consumed.Add(1, tags);
        _processDuration.Record(duration.TotalSeconds, tags);
    }

    internal void Retried(string type) => _retried.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", type));

    internal void DeadLettered(string type, string reason) =>
        _deadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", type), new KeyValuePair<string, object?>("eventbooking.reason", reason));

    internal void OutboxLag(TimeSpan lag) => _outboxLag.Record(lag.TotalSeconds);
}

/// <summary>Last observed figures of the bus (read by metrics, the health check and the admin status endpoint).</summary>
public sealed class MessagingState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, OutboxSnapshot> _outboxes = new(StringComparer.Ordinal);
    private long _deadLetters = -1;

    /// <summary>Whether the consumer currently has an open channel consuming its queue.</summary>
    public bool ConsumerConnected { get; internal set; }

    /// <summary>Whether the last publish attempt reached the broker.</summary>
    public bool PublisherConnected { get; internal set; }

    public DateTimeOffset? LastConsumerError { get; internal set; }

    internal void SetOutbox(string name, long backlog, DateTimeOffset? oldestPending)
    {
        lock (_gate)
        {
            _outboxes[name] = new OutboxSnapshot(name, backlog, oldestPending);
        }
    }

    internal void SetDeadLetters(long count) => Interlocked.Exchange(ref _deadLetters, count);

    /// <summary>Messages in this service's dead-letter queue at the last sample (null before the first).</summary>
    public long? DeadLetters => Interlocked.Read(ref _deadLetters) is var count and >= 0 ? count : null;

    public IReadOnlyList<OutboxSnapshot> Outboxes
    {
        get
        {
            lock (_gate)
            {
                return [.. _outboxes.Values];
            }
        }
    }

    internal IEnumerable<Measurement<long>> OutboxMeasurements() =>
        Outboxes.Select(o => new Measurement<long>(o.Backlog, new KeyValuePair<string, object?>("eventbooking.outbox", o.Name)));

    internal IEnumerable<Measurement<long>> DeadLetterMeasurement() =>
        DeadLetters is long count ? [new Measurement<long>(count)] : [];
}

/// <summary>Backlog of one outbox: rows not yet confirmed and when the oldest of them was written.</summary>
public sealed record OutboxSnapshot(string Name, long Backlog, DateTimeOffset? OldestPending);
