using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace EventBooking.Messaging;

/// <summary>
/// Consumes the service's quorum queue with manual acks: a delivery is acked only after every handler returned
/// (i.e. committed). A failing handler sends the message to the retry queue with exponential backoff; after
/// <see cref="EventBusOptions.MaxDeliveryAttempts"/> (or at once for a poison message) it goes to the dead-letter
/// queue. The copy is confirmed by the broker before the original is acked, so nothing is lost in between.
/// Connection loss is healed by the client's automatic recovery; a channel that stays closed is re-created here.
/// </summary>
internal sealed partial class EventBusConsumer(
    IServiceScopeFactory scopeFactory,
    IRabbitMQConnectionProvider connectionProvider,
    RabbitMqPublisher publisher,
    SubscriptionRegistry registry,
    IOptions<EventBusOptions> options,
    MessagingMetrics metrics,
    MessagingState state,
    TimeProvider timeProvider,
    ILogger<EventBusConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);
    private readonly EventBusOptions _options = options.Value;
    private int _inFlight;
    private long _lastDeliveryTimestamp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.ConsumerEnabled || registry.IsEmpty)
        {
            return;
        }

        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            IChannel? channel = null;
            try
            {
                var connection = await connectionProvider.GetConnectionAsync(stoppingToken);
                channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false,
                        consumerDispatchConcurrency: _options.ConsumerConcurrency),
                    stoppingToken);
                await Topology.DeclareConsumerQueuesAsync(channel, _options, registry.EventNames, stoppingToken);
                await channel.BasicQosAsync(0, _options.PrefetchCount, global: false, stoppingToken);
                var consumer = new AsyncEventingBasicConsumer(channel);
                var consumingChannel = channel;
                consumer.ReceivedAsync += (_, delivery) => OnReceivedAsync(consumingChannel, delivery, stoppingToken);
                await channel.BasicConsumeAsync(_options.QueueName, autoAck: false, consumer, stoppingToken);
                state.ConsumerConnected = true;
                LogConsuming(logger, _options.QueueName, string.Join(", ", registry.EventNames));
                backoff = TimeSpan.FromMilliseconds(500);
                await WatchAsync(connection, channel, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.PreconditionFailed)
            {
                // A queue declared earlier with other arguments (e.g. another QueueDeliveryLimit): retrying cannot fix it.
                state.ConsumerConnected = false;
                LogTopologyMismatch(logger, ex, _options.QueueName, ex.ShutdownReason.ReplyText);
                await DelayAsync(TimeSpan.FromSeconds(30), stoppingToken);
            }
            catch (Exception ex) when (RabbitMqPublisher.IsConnectionFailure(ex))
            {
                state.ConsumerConnected = false;
                LogConsumerUnavailable(logger, ex, _options.QueueName, backoff);
                await DelayAsync(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(15).Ticks, backoff.Ticks * 2));
            }
            finally
            {
                state.ConsumerConnected = false;
                if (channel is not null)
                {
                    await CloseQuietlyAsync(channel);
                }
            }
        }
    }

    /// <summary>
    /// Returns when the channel has been closed for a while although the connection is open (a channel-level
    /// error the client does not recover); meanwhile samples the dead-letter queue for metrics and health.
    /// </summary>
    private async Task WatchAsync(IConnection connection, IChannel channel, CancellationToken stoppingToken)
    {
        var closedTicks = 0;
        var nextSample = timeProvider.GetUtcNow();
        Interlocked.Exchange(ref _lastDeliveryTimestamp, timeProvider.GetTimestamp());
        while (true)
        {
            if (timeProvider.GetUtcNow() >= nextSample && channel.IsOpen)
            {
                nextSample = timeProvider.GetUtcNow() + _options.MonitorInterval;
                try
                {
                    state.SetDeadLetters(await channel.MessageCountAsync(_options.DeadLetterQueueName, stoppingToken));
                    if (await IsStalledAsync(channel, stoppingToken))
                    {
                        return;
                    }
                }
                catch (Exception ex) when (RabbitMqPublisher.IsConnectionFailure(ex))
                {
                    LogSampleFailed(logger, ex);
                }
            }

            await Task.Delay(WatchInterval, timeProvider, stoppingToken);
            state.ConsumerConnected = channel.IsOpen;
            if (!channel.IsOpen && connection.IsOpen)
            {
                if (++closedTicks >= 3)
                {
                    LogChannelLost(logger, _options.QueueName, channel.CloseReason?.ReplyText);
                    return;
                }
            }
            else
            {
                closedTicks = 0;
            }
        }
    }

    /// <summary>
    /// Watchdog: messages are ready in the queue, none is being handled here and nothing was delivered for a while, on a
    /// channel that says it is open. The broker would be delivering to a live consumer, so this one is lost (e.g. a
    /// consumer not re-registered by automatic recovery): re-create the channel.
    /// </summary>
    private async Task<bool> IsStalledAsync(IChannel channel, CancellationToken stoppingToken)
    {
        var idle = timeProvider.GetElapsedTime(Interlocked.Read(ref _lastDeliveryTimestamp));
        if (Volatile.Read(ref _inFlight) > 0 || idle < _options.MonitorInterval * 2 || idle < TimeSpan.FromSeconds(30))
        {
            return false;
        }

        var ready = await channel.MessageCountAsync(_options.QueueName, stoppingToken);
        if (ready == 0)
        {
            return false;
        }

        LogStalled(logger, _options.QueueName, ready, idle);
        return true;
    }

    private async Task OnReceivedAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Exchange(ref _lastDeliveryTimestamp, timeProvider.GetTimestamp());
        try
        {
            await HandleDeliveryAsync(channel, delivery, stoppingToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Exchange(ref _lastDeliveryTimestamp, timeProvider.GetTimestamp());
        }
    }

    private async Task HandleDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var started = timeProvider.GetTimestamp();
        var headers = delivery.BasicProperties.Headers;
        var attempt = (int)Math.Min(int.MaxValue, ReadLong(headers, Topology.AttemptHeader) ?? 1) + (int)Math.Min(1000, ReadLong(headers, Topology.DeliveryCountHeader) ?? 0);
        var traceParent = ReadString(headers, MessagingTelemetry.TraceParentHeader);
        var traceState = ReadString(headers, MessagingTelemetry.TraceStateHeader);
        var baggageHeader = ReadString(headers, MessagingTelemetry.BaggageHeader);
        var parent = MessagingTelemetry.Extract(traceParent, traceState, baggageHeader);
        var type = delivery.BasicProperties.Type ?? delivery.RoutingKey;

        using var activity = MessagingTelemetry.ActivitySource.StartActivity($"process {type}", ActivityKind.Consumer, parent.ActivityContext);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "rabbitmq");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.operation.name", "deliver");
            activity.SetTag("messaging.destination.name", delivery.Exchange);
            activity.SetTag("messaging.destination.subscription.name", _options.QueueName);
            activity.SetTag("messaging.consumer.group.name", _options.QueueName);
            activity.SetTag("messaging.rabbitmq.destination.routing_key", delivery.RoutingKey);
            activity.SetTag("messaging.rabbitmq.delivery_tag", (long)delivery.DeliveryTag);
            activity.SetTag("messaging.message.id", delivery.BasicProperties.MessageId);
            activity.SetTag("messaging.message.body.size", delivery.Body.Length);
            activity.SetTag("eventbooking.delivery_attempt", attempt);
        }

        var previousBaggage = Baggage.Current;
        Baggage.Current = parent.Baggage;
        try
        {
            Exception? failure = null;
            try
            {
                var raw = MessageSerializer.DeserializeRaw(delivery.Body);
                type = raw.Type;
                var subscription = registry.Find(raw.Type)
                    ?? throw new PoisonMessageException($"This service has no handler for '{raw.Type}'.");
                if (raw.SchemaVersion > subscription.SchemaVersion)
                {
                    throw new PoisonMessageException($"Schema version {raw.SchemaVersion} of '{raw.Type}' is newer than the {subscription.SchemaVersion} this service understands.");
                }

                var info = new DeliveryInfo(attempt, traceParent, traceState, baggageHeader);
                foreach (var handler in subscription.Handlers)
                {
                    await using var scope = scopeFactory.CreateAsyncScope();
                    await handler.InvokeAsync(scope.ServiceProvider, raw, info, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the broker redelivers it to this or another replica.
                await NackQuietlyAsync(channel, delivery.DeliveryTag);
                return;
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            if (failure is null)
            {
                await AckQuietlyAsync(channel, delivery.DeliveryTag);
                metrics.Consumed(type, "success", timeProvider.GetElapsedTime(started));
                return;
            }

            activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity?.SetTag("error.type", failure.GetType().FullName);
            var poison = failure is PoisonMessageException or JsonException;
            if (poison || attempt >= _options.MaxDeliveryAttempts)
            {
                var reason = poison ? "poison" : "max-attempts";
                LogDeadLettering(logger, failure, delivery.BasicProperties.MessageId, type, attempt, reason);
                if (await ForwardAsync(channel, delivery, _options.DeadLetterQueueName, attempt, reason, failure, stoppingToken))
                {
                    metrics.DeadLettered(type, reason);
                }

                metrics.Consumed(type, "dead-lettered", timeProvider.GetElapsedTime(started));
            }
            else
            {
                var delay = _options.RetryDelayAfter(attempt);
                LogRetrying(logger, failure, delivery.BasicProperties.MessageId, type, attempt, delay);
                if (await ForwardAsync(channel, delivery, _options.RetryQueueName(delay), attempt + 1, reason: null, failure, stoppingToken))
                {
                    metrics.Retried(type);
                }

                metrics.Consumed(type, "retry", timeProvider.GetElapsedTime(started));
            }
        }
        finally
        {
            Baggage.Current = previousBaggage;
        }
    }

    /// <summary>Copies the delivery to <paramref name="queue"/> (confirmed), then acks the original; nacks it (requeue) if the copy failed.</summary>
    private async Task<bool> ForwardAsync(IChannel channel, BasicDeliverEventArgs delivery, string queue, int attemptHeader, string? reason, Exception error,
        CancellationToken stoppingToken)
    {
        var source = delivery.BasicProperties;
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (source.Headers is not null)
        {
            foreach (var (key, value) in source.Headers)
            {
                if (key is not Topology.DeliveryCountHeader and not Topology.DeathHeader)
                {
                    headers[key] = value;
                }
            }
        }

        headers[Topology.AttemptHeader] = attemptHeader;
        headers[Topology.OriginalRoutingKeyHeader] = delivery.RoutingKey;
        headers[Topology.DeadLetterErrorHeader] = Truncate($"{error.GetType().Name}: {error.Message}", 1000);
        if (reason is not null)
        {
            headers[Topology.DeadLetterReasonHeader] = reason;
            headers[Topology.DeadLetteredAtHeader] = timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        }

        var properties = Topology.RepublishProperties(source, headers);

        try
        {
            await publisher.PublishRawAsync("", queue, properties, delivery.Body, mandatory: true, stoppingToken);
        }
        catch (PublishFailedException ex)
        {
            LogForwardFailed(logger, ex, source.MessageId, queue);
            await NackQuietlyAsync(channel, delivery.DeliveryTag);
            return false;
        }

        await AckQuietlyAsync(channel, delivery.DeliveryTag);
        return true;
    }

    private async Task AckQuietlyAsync(IChannel channel, ulong deliveryTag)
    {
        try
        {
            await channel.BasicAckAsync(deliveryTag, multiple: false, CancellationToken.None);
        }
        catch (Exception ex) when (RabbitMqPublisher.IsConnectionFailure(ex))
        {
            // The channel died after the effect committed: the broker redelivers and the inbox absorbs the duplicate.
            LogNackFailed(logger, ex);
        }
    }

    private async Task NackQuietlyAsync(IChannel channel, ulong deliveryTag)
    {
        try
        {
            await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true, CancellationToken.None);
        }
        catch (Exception ex) when (RabbitMqPublisher.IsConnectionFailure(ex))
        {
            // The channel is gone: the broker requeues every unacked delivery of it anyway.
            LogNackFailed(logger, ex);
        }
    }

    private async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception ex) when (RabbitMqPublisher.IsConnectionFailure(ex))
        {
            LogNackFailed(logger, ex);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    internal static long? ReadLong(IDictionary<string, object?>? headers, string key) =>
        headers is not null && headers.TryGetValue(key, out var value)
            ? value switch
            {
                int i => i,
                long l => l,
                short s => s,
                byte b => b,
                uint u => u,
                ulong ul => (long)Math.Min(long.MaxValue, ul),
                byte[] bytes when long.TryParse(Encoding.UTF8.GetString(bytes), CultureInfo.InvariantCulture, out var parsed) => parsed,
                string text when long.TryParse(text, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => null,
            }
            : null;

    internal static string? ReadString(IDictionary<string, object?>? headers, string key) =>
        headers is not null && headers.TryGetValue(key, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                null => null,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            }
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming queue {Queue} for {Events}")]
    private static partial void LogConsuming(ILogger logger, string queue, string events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ unavailable for consumer of {Queue}; retrying in {Delay}")]
    private static partial void LogConsumerUnavailable(ILogger logger, Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The broker refused the topology of {Queue}: {Reason}. An existing queue has other arguments; delete it (it is re-created) or align EventBus options")]
    private static partial void LogTopologyMismatch(ILogger logger, Exception exception, string queue, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer channel of {Queue} closed ({Reason}); re-creating it")]
    private static partial void LogChannelLost(ILogger logger, string queue, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer of {Queue} looks stalled ({Ready} messages ready, no delivery for {Idle}); re-creating its channel")]
    private static partial void LogStalled(ILogger logger, string queue, uint ready, TimeSpan idle);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sampling the dead-letter queue failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler failed for message {MessageId} ({Type}), attempt {Attempt}; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string? messageId, string type, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettering message {MessageId} ({Type}) after attempt {Attempt}: {Reason}")]
    private static partial void LogDeadLettering(ILogger logger, Exception exception, string? messageId, string type, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not forward message {MessageId} to {Queue}; it is requeued")]
    private static partial void LogForwardFailed(ILogger logger, Exception exception, string? messageId, string queue);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Nack/close on a broken channel failed")]
    private static partial void LogNackFailed(ILogger logger, Exception exception);
}
