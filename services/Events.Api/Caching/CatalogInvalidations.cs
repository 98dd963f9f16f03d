using StackExchange.Redis;

namespace Events.Api.Caching;

/// <summary>
/// Keeps the catalog caches of every events-api replica coherent: a replica that changes the catalog publishes the event's id on
/// a Redis channel, and every replica (itself included) drops that event's entry and every cached page when the message arrives,
/// a few milliseconds later. So a published change is served by every replica within 1 s, not after the cache durations
/// (30 s for a detail, 10 s for a page).
/// <para>
/// Pub/sub delivers at most once: a replica whose subscription is down misses messages. While it is down (from the moment the
/// multiplexer reports the failure until 1 s after it is restored, time for the channel to be subscribed again) the replica is
/// <see cref="Coherent"/> = false: <see cref="CatalogCache"/> keeps new entries for at most 1 s, and the replica drops its whole
/// catalog cache when the subscription fails and again when it is back. The 1 s bound then holds without Redis too, at the cost
/// of more reads of the database. A change whose message cannot be published (Redis down for the writer) is logged; the
/// replicas that could not hear it are not coherent either, so they hold nothing older than 1 s.
/// </para>
/// Without Redis configured (one process, as in a service's own tests) the replica is its own only reader and always coherent.
/// </summary>
public sealed partial class CatalogInvalidations : IHostedService, IDisposable
{
    /// <summary>The channel every replica listens on. A message is an event id ("N" format), or <see cref="Everything"/>.</summary>
    public static readonly RedisChannel Channel = RedisChannel.Literal("events-api:catalog-changed");

    private const string Everything = "*";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly IConnectionMultiplexer? _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<CatalogInvalidations> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Func<Guid?, CancellationToken, ValueTask>? _drop;
    private volatile bool _coherent;
    private long _failures;

    public CatalogInvalidations(TimeProvider time, ILogger<CatalogInvalidations> logger, IConnectionMultiplexer? redis = null)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
        _coherent = redis is null;
    }

    /// <summary>Whether every change made anywhere reaches this replica at once (else entries must live at most 1 s).</summary>
    public bool Coherent => _coherent;

    /// <summary>What drops this replica's entries: one event and the pages (an id), or everything (null). Set once, by the cache.</summary>
    internal void Listen(Func<Guid?, CancellationToken, ValueTask> drop) => _drop = drop;

    /// <summary>Tells every replica (this one included) that <paramref name="id"/> changed; this replica's entries are dropped before it returns.</summary>
    public async Task ChangedAsync(Guid id, CancellationToken cancellationToken)
    {
        await DropAsync(id, cancellationToken);
        if (_redis is null)
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().PublishAsync(Channel, id.ToString("N"));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogNotPublished(_logger, exception, id);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_redis is null)
        {
            return;
        }

        _redis.ConnectionFailed += OnConnectionFailed;
        _redis.ConnectionRestored += OnConnectionRestored;
        var queue = await _redis.GetSubscriber().SubscribeAsync(Channel);
        queue.OnMessage(OnMessageAsync);
        if (_redis.IsConnected)
        {
            _coherent = true;
        }
        else
        {
            // Redis is down at start: the restore event makes the replica coherent once the subscription is back.
            Interlocked.Increment(ref _failures);
            LogIncoherent(_logger);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_redis is not null)
        {
            _redis.ConnectionFailed -= OnConnectionFailed;
            _redis.ConnectionRestored -= OnConnectionRestored;
            try
            {
                await _redis.GetSubscriber().UnsubscribeAsync(Channel);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Stopping while Redis is down: the server drops the subscription with the connection.
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task OnMessageAsync(ChannelMessage message)
    {
        var value = (string?)message.Message;
        if (value == Everything)
        {
            await DropAsync(null, _stopping.Token);
        }
        else if (Guid.TryParseExact(value, "N", out var id))
        {
            await DropAsync(id, _stopping.Token);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs args)
    {
        Interlocked.Increment(ref _failures);
        if (_coherent)
        {
            _coherent = false;
            LogIncoherent(_logger);
        }

        _ = DropAsync(null, _stopping.Token).AsTask();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs args) => _ = RestoreAsync();

    /// <summary>After a restore: give the channel time to be subscribed again, drop what was cached meanwhile, then trust the channel.</summary>
    private async Task RestoreAsync()
    {
        var failures = Interlocked.Read(ref _failures);
        try
        {
            await Task.Delay(Settle, _time, _stopping.Token);
            if (_redis is null || !_redis.IsConnected || !_redis.GetSubscriber().IsConnected(Channel) || Interlocked.Read(ref _failures) != failures)
            {
                return; // failed again meanwhile: that failure's own restore ends the episode
            }

            await DropAsync(null, _stopping.Token);
            _coherent = true;
            LogCoherent(_logger);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async ValueTask DropAsync(Guid? id, CancellationToken cancellationToken)
    {
        if (_drop is { } drop)
        {
            await drop(id, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change of event {EventId} could not be told to the other replicas: they keep catalog entries for at most 1 s while Redis is unreachable")]
    private static partial void LogNotPublished(ILogger logger, Exception exception, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalog changes cannot be heard from the other replicas (Redis unreachable): catalog entries are kept for at most 1 s until it is back")]
    private static partial void LogIncoherent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog changes are heard from every replica again: catalog entries are kept for their full durations")]
    private static partial void LogCoherent(ILogger logger);
}
