using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// Keeps <see cref="RevokedSessions"/> current from Redis: subscribes to <see cref="RevocationChannel"/>, reads the revoked
/// set whole whenever the subscription starts or comes back (what was announced while it was down is in the set), and every
/// <see cref="HeartbeatInterval"/> publishes a heartbeat of its own on the channel. Redis delivers a subscriber's messages in
/// the order it executed the PUBLISHes, and this subscription handles them one at a time, so when a heartbeat sent at time
/// <c>t</c> comes back, every revocation made before <c>t</c> has been applied: the view is fresh as of <c>t</c>. A heartbeat
/// that does not come back in time (Redis down, the subscription silently dead, this process starved of CPU) lets the view age
/// past <see cref="RevokedSessions.StalenessBound"/>, and end-user tokens are then checked in Redis one by one
/// (<see cref="RevocationLookup"/>), or refused with a 503 while Redis does not answer, instead of trusted.
/// </summary>
public sealed partial class RevocationMonitor(IConnectionMultiplexer redis, RevokedSessions view, TimeProvider time, ILogger<RevocationMonitor> logger)
    : BackgroundService
{
    /// <summary>How often the round trip through Redis is proved: a quarter of the staleness bound.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _instance = Guid.CreateVersion7().ToString("N");
    private readonly long _startedAt = time.GetTimestamp();
    // 1 until the revoked set has been read after the subscription (re)started.
    private int _reloadNeeded = 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscriber = redis.GetSubscriber();
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
        ChannelMessageQueue? queue = null;
        var reportedFresh = true;
        using var timer = new PeriodicTimer(HeartbeatInterval, time);
        try
        {
            do
            {
                view.Purge();
                try
                {
                    if (queue is null)
                    {
                        queue = await subscriber.SubscribeAsync(RevocationChannel.Channel);
                        // One handler at a time, in the order Redis sent the messages.
                        queue.OnMessage(HandleAsync);
                    }

                    // Never waits on Redis longer than the bound, so that this loop goes on telling how fresh the view is
                    // whatever Redis does.
                    await RevocationChannel.PublishHeartbeatAsync(subscriber, _instance, time.GetTimestamp())
                        .WaitAsync(RevokedSessions.StalenessBound, time, stoppingToken);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    if (reportedFresh)
                    {
                        LogRedisUnreachable(logger, ex.Message);
                    }
                }

                var fresh = view.IsFresh;
                if (fresh != reportedFresh && (fresh || time.GetElapsedTime(_startedAt) > RevokedSessions.StalenessBound))
                {
                    if (fresh)
                    {
                        LogFresh(logger, view.Count);
                    }
                    else if (view.FreshAsOf is not null)
                    {
                        // It was current and aged past its bound: Redis or this process is in trouble.
                        LogStale(logger, RevokedSessions.StalenessBound.TotalMilliseconds);
                    }
                    else
                    {
                        // No heartbeat has come back since the start yet: a process starting on a busy machine, or before Redis.
                        LogNotYetCurrent(logger, RevokedSessions.StalenessBound.TotalMilliseconds);
                    }

                    reportedFresh = fresh;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionChanged;
            redis.ConnectionRestored -= OnConnectionChanged;
            if (queue is not null)
            {
                await queue.UnsubscribeAsync();
            }
        }
    }

    private async Task HandleAsync(ChannelMessage message)
    {
        if (RevocationChannel.Apply(message.Message.ToString(), view) is not { } heartbeat || heartbeat.Instance != _instance)
        {
            return;
        }

        // The subscription is live (this heartbeat came back): if it (re)started since the last read, read the set whole,
        // so revocations announced while it was down are known before the view is called fresh.
        if (Interlocked.Exchange(ref _reloadNeeded, 0) == 1)
        {
            try
            {
                await RevocationChannel.LoadAsync(redis.GetDatabase(), view, time.GetUtcNow());
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Volatile.Write(ref _reloadNeeded, 1);
                LogRedisUnreachable(logger, ex.Message);
                return;
            }
        }

        view.MarkFresh(heartbeat.Timestamp);
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            Volatile.Write(ref _reloadNeeded, 1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is out of reach for the revocation view: {Reason}")]
    private static partial void LogRedisUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The revocation view is older than {BoundMs} ms: end-user tokens are checked in Redis one by one (503 while Redis does not answer) until it is current again")]
    private static partial void LogStale(ILogger logger, double boundMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The revocation view is not current yet, {BoundMs} ms after start: end-user tokens are checked in Redis one by one (503 while Redis does not answer) until it is")]
    private static partial void LogNotYetCurrent(ILogger logger, double boundMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "The revocation view is current ({Count} revoked sessions in force)")]
    private static partial void LogFresh(ILogger logger, int count);
}

/// <summary>
/// Degraded while <see cref="RevokedSessions"/> is older than its bound: end-user tokens are then checked in Redis one by one
/// (<see cref="RevocationLookup"/>), which serves people correctly but costs a round trip each. Whether Redis itself answers is
/// the Redis health check's to say (when it does not, those requests are refused with a 503).
/// </summary>
public sealed class RevocationHealthCheck(RevokedSessions view) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(view.IsFresh
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"The revocation view is older than {RevokedSessions.StalenessBound.TotalSeconds} s: end-user tokens are checked in Redis one by one."));
}
