using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace EventBooking.Messaging;

/// <summary>A message in this service's dead-letter queue, as the admin API shows it (secret fields redacted: <see cref="MessageRedaction"/>).</summary>
public sealed record DeadLetteredMessage(
    Guid MessageId,
    string Type,
    string? Source,
    DateTimeOffset? Time,
    string Reason,
    string? Error,
    int Attempts,
    DateTimeOffset? DeadLetteredAt,
    JsonElement? Data);

/// <summary>Lists and replays this service's dead-lettered messages (<c>{service}.dead-letter</c>).</summary>
public interface IDeadLetterQueue
{
    /// <summary>Messages currently in the queue (oldest first, at most <paramref name="limit"/>); the queue is left unchanged.</summary>
    Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>How many messages wait in the queue.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Moves the message back to the service's queue with its attempts reset; false when it is not in the queue.</summary>
    Task<bool> ReplayAsync(Guid messageId, CancellationToken cancellationToken);

    /// <summary>Moves every message currently in the queue back; returns how many.</summary>
    Task<int> ReplayAllAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Browses the dead-letter queue with basic.get without acking (closing the channel puts the messages back in place);
/// a replay publishes the copy to the service queue with a confirm, then acks the dead-lettered original.
/// </summary>
internal sealed partial class DeadLetterQueue(
    IRabbitMQConnectionProvider connectionProvider,
    RabbitMqPublisher publisher,
    IOptions<EventBusOptions> options,
    MessagingState state,
    ILogger<DeadLetterQueue> logger) : IDeadLetterQueue
{
    private const int MaxScan = 10_000;
    private readonly EventBusOptions _options = options.Value;

    public async Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var channel = await OpenAsync(cancellationToken);
        var messages = new List<DeadLetteredMessage>();
        while (messages.Count < limit && await channel.BasicGetAsync(_options.DeadLetterQueueName, autoAck: false, cancellationToken) is { } result)
        {
            messages.Add(Describe(result));
        }

        return messages;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var channel = await OpenAsync(cancellationToken);
        var count = await channel.MessageCountAsync(_options.DeadLetterQueueName, cancellationToken);
        state.SetDeadLetters(count);
        return count;
    }

    public async Task<bool> ReplayAsync(Guid messageId, CancellationToken cancellationToken)
    {
        await using var channel = await OpenAsync(cancellationToken);
        for (var scanned = 0; scanned < MaxScan && await channel.BasicGetAsync(_options.DeadLetterQueueName, autoAck: false, cancellationToken) is { } result; scanned++)
        {
            if (Guid.TryParse(result.BasicProperties.MessageId, out var id) && id == messageId)
            {
                await ReplayOneAsync(channel, result, cancellationToken);
                return true;
            }
        }

        return false;
    }

    public async Task<int> ReplayAllAsync(CancellationToken cancellationToken)
    {
        await using var channel = await OpenAsync(cancellationToken);
        var total = await channel.MessageCountAsync(_options.DeadLetterQueueName, cancellationToken);
        var replayed = 0;
        while (replayed < total && await channel.BasicGetAsync(_options.DeadLetterQueueName, autoAck: false, cancellationToken) is { } result)
        {
            await ReplayOneAsync(channel, result, cancellationToken);
            replayed++;
        }

        return replayed;
    }

    private async Task ReplayOneAsync(IChannel channel, BasicGetResult result, CancellationToken cancellationToken)
    {
        var source = result.BasicProperties;
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (source.Headers is not null)
        {
            foreach (var (key, value) in source.Headers)
            {
                if (!key.StartsWith("x-", StringComparison.Ordinal))
                {
                    headers[key] = value;
                }
            }
        }

        var properties = Topology.RepublishProperties(source, headers);
        await publisher.PublishRawAsync("", _options.QueueName, properties, result.Body.ToArray(), mandatory: true, cancellationToken);
        await channel.BasicAckAsync(result.DeliveryTag, multiple: false, cancellationToken);
        LogReplayed(logger, source.MessageId, source.Type, _options.QueueName);
    }

    private async Task<IChannel> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await connectionProvider.GetConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            // Declared here too so the admin API works before the consumer first ran.
            await channel.QueueDeclareAsync(_options.DeadLetterQueueName, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic" }, cancellationToken: cancellationToken);
            return channel;
        }
        catch
        {
            await channel.DisposeAsync();
            throw;
        }
    }

    private static DeadLetteredMessage Describe(BasicGetResult result)
    {
        var properties = result.BasicProperties;
        var headers = properties.Headers;
        RawEnvelope? raw = null;
        try
        {
            raw = MessageSerializer.DeserializeRaw(result.Body);
        }
        catch (Exception ex) when (ex is JsonException or PoisonMessageException)
        {
            // Unreadable bodies are listed with their AMQP properties only.
        }

        var reason = EventBusConsumer.ReadString(headers, Topology.DeadLetterReasonHeader) ?? BrokerReason(headers) ?? "unknown";
        var attempts = (int)(EventBusConsumer.ReadLong(headers, Topology.AttemptHeader) ?? 0);
        var deadLetteredAt = DateTimeOffset.TryParse(EventBusConsumer.ReadString(headers, Topology.DeadLetteredAtHeader), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
        return new DeadLetteredMessage(
            raw?.Id ?? (Guid.TryParse(properties.MessageId, out var id) ? id : Guid.Empty),
            raw?.Type ?? properties.Type ?? "",
            raw?.Source ?? properties.AppId,
            raw?.Time,
            reason,
            EventBusConsumer.ReadString(headers, Topology.DeadLetterErrorHeader),
            attempts,
            deadLetteredAt,
            raw is null ? null : MessageRedaction.Redact(raw.Type, raw.Data));
    }

    /// <summary>Reason of a broker-side dead-lettering (<c>x-death</c>: e.g. <c>delivery_limit</c>).</summary>
    private static string? BrokerReason(IDictionary<string, object?>? headers)
    {
        if (headers is not null && headers.TryGetValue(Topology.DeathHeader, out var death) && death is IList<object?> { Count: > 0 } deaths
            && deaths[0] is IDictionary<string, object?> first)
        {
            return EventBusConsumer.ReadString(first, "reason");
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed dead-lettered message {MessageId} ({Type}) into {Queue}")]
    private static partial void LogReplayed(ILogger logger, string? messageId, string? type, string queue);
}
