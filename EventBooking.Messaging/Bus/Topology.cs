using RabbitMQ.Client;

namespace EventBooking.Messaging;

/// <summary>
/// The broker topology, declared idempotently by whoever needs it:
/// <list type="bullet">
/// <item><c>eventbooking</c> (topic, durable): every event, routing key = event name.</item>
/// <item><c>{service}</c> (quorum, durable): the service's queue, bound to the event names it subscribes to;
/// <c>x-delivery-limit</c> as a broker-side bound, dead-lettering (at-least-once) into the dead-letter exchange.</item>
/// <item><c>{service}.retry.{delay}ms</c> (classic, durable, one per backoff step, queue TTL = the delay): failed
/// deliveries wait there, then expire back into <c>{service}</c>. One queue per delay means no message waits behind a
/// longer one (per-message TTLs only expire at the head of a queue).</item>
/// <item><c>eventbooking.dead-letter</c> (direct, durable) → <c>{service}.dead-letter</c> (classic, durable): poison messages,
/// listed and replayed by the admin API.</item>
/// </list>
/// </summary>
internal static class Topology
{
    public const string AttemptHeader = "x-eventbooking-attempt";
    public const string DeadLetterReasonHeader = "x-eventbooking-dead-letter-reason";
    public const string DeadLetterErrorHeader = "x-eventbooking-error";
    public const string DeadLetteredAtHeader = "x-eventbooking-dead-lettered-at";
    public const string OriginalRoutingKeyHeader = "x-eventbooking-routing-key";
    public const string DeliveryCountHeader = "x-delivery-count";
    public const string DeathHeader = "x-death";

    /// <summary>The properties of a copy of <paramref name="source"/> (retry, dead-letter, replay): same identity, new headers, persistent.</summary>
    public static BasicProperties RepublishProperties(IReadOnlyBasicProperties source, IDictionary<string, object?> headers) => new()
    {
        MessageId = source.MessageId,
        Type = source.Type,
        AppId = source.AppId,
        ContentType = source.ContentType,
        Timestamp = source.Timestamp,
        DeliveryMode = DeliveryModes.Persistent,
        Headers = headers,
    };

    public static async Task DeclareExchangesAsync(IChannel channel, EventBusOptions options, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(options.ExchangeName, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(options.DeadLetterExchangeName, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
    }

    public static async Task DeclareConsumerQueuesAsync(IChannel channel, EventBusOptions options, IEnumerable<string> routingKeys, CancellationToken cancellationToken)
    {
        await DeclareExchangesAsync(channel, options, cancellationToken);

        await channel.QueueDeclareAsync(options.DeadLetterQueueName, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(options.DeadLetterQueueName, options.DeadLetterExchangeName, options.QueueName, cancellationToken: cancellationToken);

        await channel.QueueDeclareAsync(options.QueueName, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = options.QueueDeliveryLimit,
                ["x-dead-letter-exchange"] = options.DeadLetterExchangeName,
                ["x-dead-letter-routing-key"] = options.QueueName,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            },
            cancellationToken: cancellationToken);

        foreach (var delay in options.RetryDelays)
        {
            await channel.QueueDeclareAsync(options.RetryQueueName(delay), durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "classic",
                    ["x-message-ttl"] = (long)delay.TotalMilliseconds,
                    ["x-dead-letter-exchange"] = "",
                    ["x-dead-letter-routing-key"] = options.QueueName,
                },
                cancellationToken: cancellationToken);
        }

        foreach (var routingKey in routingKeys)
        {
            await channel.QueueBindAsync(options.QueueName, options.ExchangeName, routingKey, cancellationToken: cancellationToken);
        }
    }
}
