using System.Diagnostics;
using System.Text.Json;
using EventBooking.Messaging.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EventBooking.Messaging;

/// <summary>
/// Publishes directly to the bus and returns once the broker confirmed the message (persistent, mandatory).
/// Prefer the outbox (<see cref="OutboxDbContextExtensions.AddIntegrationEvent"/>) when the event reports a
/// database change: a direct publish is not atomic with anything.
/// </summary>
public interface IIntegrationEventPublisher
{
    /// <summary>Publishes and awaits the broker's confirm; throws <see cref="PublishFailedException"/> otherwise.</summary>
    Task<Guid> PublishAsync<T>(T @event, CancellationToken cancellationToken, Guid? messageId = null) where T : IIntegrationEvent;
}

/// <summary>The broker did not confirm a publish (nack, unroutable, timeout or no connection). Safe to retry with the same id.</summary>
public sealed class PublishFailedException : Exception
{
    public PublishFailedException()
    {
    }

    public PublishFailedException(string message) : base(message)
    {
    }

    public PublishFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Short reason for metrics: nack, unroutable, timeout, disconnected.</summary>
    public string Reason { get; init; } = "error";
}

/// <summary>An event ready for the wire.</summary>
internal sealed record OutgoingMessage(Guid Id, string Type, string Source, DateTimeOffset Time, int SchemaVersion, string DataJson, PropagationContext Parent);

/// <summary>
/// One publisher channel per service with publisher confirms and confirm tracking: each publish completes when the
/// broker confirmed it; in-flight confirms are bounded by a <see cref="ThrottlingRateLimiter"/>.
/// </summary>
internal sealed partial class RabbitMqPublisher(
    IRabbitMQConnectionProvider connectionProvider,
    IOptions<EventBusOptions> options,
    MessagingMetrics metrics,
    MessagingState state,
    TimeProvider timeProvider,
    ILogger<RabbitMqPublisher> logger) : IIntegrationEventPublisher, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EventBusOptions _options = options.Value;
    private IChannel? _channel;

    public async Task<Guid> PublishAsync<T>(T @event, CancellationToken cancellationToken, Guid? messageId = null) where T : IIntegrationEvent
    {
        ArgumentNullException.ThrowIfNull(@event);
        var now = timeProvider.GetUtcNow();
        var id = messageId ?? Guid.CreateVersion7(now);
        var message = new OutgoingMessage(id, T.EventName, _options.ServiceName, now, T.SchemaVersion,
            JsonSerializer.Serialize(@event, MessageSerializer.Options),
            new PropagationContext(Activity.Current?.Context ?? default, MessagingTelemetry.MergedBaggage(Activity.Current)));
        await PublishEventAsync(message, cancellationToken);
        return id;
    }

    /// <summary>Publishes an event to the topic exchange in a <c>publish {type}</c> producer span.</summary>
    public async Task PublishEventAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var body = MessageSerializer.SerializeEnvelope(message.Id, message.Type, message.Source, message.Time, message.SchemaVersion, message.DataJson);
        using var activity = MessagingTelemetry.ActivitySource.StartActivity($"publish {message.Type}", ActivityKind.Producer, message.Parent.ActivityContext);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "rabbitmq");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "publish");
            activity.SetTag("messaging.destination.name", _options.ExchangeName);
            activity.SetTag("messaging.rabbitmq.destination.routing_key", message.Type);
            activity.SetTag("messaging.message.id", message.Id.ToString());
            activity.SetTag("messaging.message.body.size", body.Length);
        }

        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        // Without a listener (no span here) the stored context is passed on unchanged, so the trace still joins up.
        MessagingTelemetry.Inject(activity?.Context ?? message.Parent.ActivityContext, message.Parent.Baggage, headers);
        var properties = new BasicProperties
        {
            MessageId = message.Id.ToString(),
            Type = message.Type,
            AppId = message.Source,
            ContentType = MessageSerializer.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(message.Time.ToUnixTimeSeconds()),
            Headers = headers,
        };

        var started = timeProvider.GetTimestamp();
        try
        {
            await PublishRawAsync(_options.ExchangeName, message.Type, properties, body, mandatory: true, cancellationToken);
            metrics.Published(message.Type, timeProvider.GetElapsedTime(started));
        }
        catch (PublishFailedException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Reason);
            activity?.SetTag("error.type", ex.Reason);
            metrics.PublishFailed(message.Type, ex.Reason);
            throw;
        }
    }

    /// <summary>Publishes and awaits the confirm; every broker or timeout failure becomes a <see cref="PublishFailedException"/>.</summary>
    public async Task PublishRawAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, bool mandatory, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            var channel = await GetChannelAsync(timeout.Token);
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, timeout.Token);
            state.PublisherConnected = true;
        }
        catch (PublishException ex)
        {
            throw new PublishFailedException(ex.IsReturn
                ? $"The broker returned the message: no queue is bound to '{routingKey}' on '{exchange}'."
                : "The broker refused (nacked) the message.", ex)
            { Reason = ex.IsReturn ? "unroutable" : "nack" };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            await ResetChannelAsync();
            throw new PublishFailedException($"No confirm within {_options.PublishTimeout}.", ex) { Reason = "timeout" };
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            state.PublisherConnected = false;
            throw new PublishFailedException("RabbitMQ is unreachable.", ex) { Reason = "disconnected" };
        }
    }

    internal static bool IsConnectionFailure(Exception ex) =>
        ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or ConnectFailureException
            or IOException or System.Net.Sockets.SocketException or TimeoutException or RabbitMQClientException;

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } created)
            {
                return created;
            }

            var connection = await connectionProvider.GetConnectionAsync(cancellationToken);
            if (!connection.IsOpen)
            {
                throw new AlreadyClosedException(connection.CloseReason ?? new RabbitMQ.Client.Events.ShutdownEventArgs(ShutdownInitiator.Library, 0, "Connection is recovering."));
            }

            if (_channel is { } stale)
            {
                _channel = null;
                await DisposeQuietlyAsync(stale);
            }

            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(
                    publisherConfirmationsEnabled: true,
                    publisherConfirmationTrackingEnabled: true,
                    outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(_options.MaxInFlightConfirms)),
                cancellationToken);
            await Topology.DeclareExchangesAsync(channel, _options, cancellationToken);
            LogChannelOpened(logger, _options.ServiceName);
            _channel = channel;
            return channel;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ResetChannelAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_channel is { } channel)
            {
                _channel = null;
                await DisposeQuietlyAsync(channel);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DisposeQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            LogChannelDisposeFailed(logger, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            _channel = null;
            await DisposeQuietlyAsync(channel);
        }

        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Publisher channel with confirms opened for {Service}")]
    private static partial void LogChannelOpened(ILogger logger, string service);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing a broken publisher channel failed")]
    private static partial void LogChannelDisposeFailed(ILogger logger, Exception exception);
}
