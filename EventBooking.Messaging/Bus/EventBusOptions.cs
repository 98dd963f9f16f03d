using System.ComponentModel.DataAnnotations;

namespace EventBooking.Messaging;

/// <summary>
/// Settings of the bus, bound from the <c>EventBus</c> configuration section (all have working defaults).
/// </summary>
public sealed class EventBusOptions
{
    public const string SectionName = "EventBus";

    /// <summary>This service's name: the <c>source</c> of what it publishes and the name of its consumer queue.</summary>
    [Required]
    public string ServiceName { get; set; } = "";

    /// <summary>The one topic exchange every event is published to (routing key = event name).</summary>
    [Required]
    public string ExchangeName { get; set; } = "eventbooking";

    /// <summary>Direct exchange the consumer queues dead-letter into (routing key = service name).</summary>
    [Required]
    public string DeadLetterExchangeName { get; set; } = "eventbooking.dead-letter";

    /// <summary>Handler attempts per message (first delivery included) before it is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; doubled on every further attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Broker-side safety net (quorum queue <c>x-delivery-limit</c>): redeliveries without a verdict from this
    /// library (a consumer crashing mid-handler, a lost channel) before the broker dead-letters the message.
    /// </summary>
    [Range(1, 1000)]
    public int QueueDeliveryLimit { get; set; } = 20;

    /// <summary>Unacknowledged deliveries per consumer channel (basic.qos prefetch).</summary>
    [Range(1, 10_000)]
    public ushort PrefetchCount { get; set; } = 32;

    /// <summary>Handlers running in parallel per consumer.</summary>
    [Range(1, 256)]
    public ushort ConsumerConcurrency { get; set; } = 4;

    /// <summary>Bound on publishes awaiting a broker confirm per channel.</summary>
    [Range(1, 10_000)]
    public int MaxInFlightConfirms { get; set; } = 256;

    /// <summary>How long a publish may wait for its confirm before it counts as failed (and is retried).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Starts the consumer when subscriptions exist; false makes the service publish-only.</summary>
    public bool ConsumerEnabled { get; set; } = true;

    /// <summary>How often the dead-letter queue length is sampled for metrics and health.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(15);

    internal string QueueName => ServiceName;
    /// <summary>Wait before retry number <paramref name="failedAttempt"/> (1 = after the first failure): exponential, capped.</summary>
    internal TimeSpan RetryDelayAfter(int failedAttempt)
    {
        var factor = Math.Pow(2, Math.Min(20, Math.Max(0, failedAttempt - 1)));
        var milliseconds = Math.Max(1, Math.Min(MaxRetryDelay.TotalMilliseconds, RetryDelay.TotalMilliseconds * factor));
        return TimeSpan.FromMilliseconds(Math.Ceiling(milliseconds));
    }

    /// <summary>The distinct retry delays (one delay queue each, so no message waits behind a longer one).</summary>
    internal IEnumerable<TimeSpan> RetryDelays => Enumerable.Range(1, Math.Max(0, MaxDeliveryAttempts - 1)).Select(RetryDelayAfter).Distinct();

    /// <summary>Delay queue of one retry delay: named by the delay, so changing the options declares new queues instead of clashing.</summary>
    internal string RetryQueueName(TimeSpan delay) =>
        ServiceName + ".retry." + ((long)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms";
    internal string DeadLetterQueueName => ServiceName + ".dead-letter";
}

/// <summary>Settings of one outbox relay, bound from <c>EventBus:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "EventBus:Outbox";

    /// <summary>Rows claimed (leased) per round.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Wait between rounds when the outbox was empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a claimed row stays reserved for the relay that claimed it (crash safety).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Backoff after a failed publish: doubled per attempt, capped by <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sent rows older than this are deleted by the relay (null keeps them).</summary>
    public TimeSpan? RetainSentFor { get; set; } = TimeSpan.FromDays(7);
}
