using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EventBooking.ServiceDefaults;

/// <summary>How the shared rate-limit counters talk to Redis (<c>RateLimits</c> section).</summary>
public sealed class SharedRateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// How long a request waits for Redis's answer before it is counted by its replica instead. Redis answers in well under a
    /// millisecond; this bounds what a stalled Redis adds to a sign-in or a purchase.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// After Redis failed to answer (an error, or no answer within <see cref="RedisTimeout"/>), how long requests are counted by
    /// their replica without asking Redis; then the next request asks again. A slow Redis costs one request the timeout, not
    /// every request of a sale rush.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RedisRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>A window's count after a request was counted, and how long until the window ends.</summary>
public readonly record struct WindowCount(long Count, TimeSpan ResetsIn);

/// <summary>
/// The fixed-window counters every replica shares, in Redis (the AppHost's <c>cache</c>): one key per policy and partition,
/// counted and given its expiry by one atomic Lua script, so a request costs one round trip. The window starts at the
/// partition's first request and ends when the key expires; Redis's own clock times it, so replicas' clocks do not matter.
/// Without Redis (not configured, disconnected, failing or slower than <see cref="SharedRateLimitOptions.RedisTimeout"/>) it
/// answers <c>null</c> and the caller counts locally; it logs once when it starts doing so and once when Redis is back. After a
/// failed or late answer it does not ask Redis again for <see cref="SharedRateLimitOptions.RedisRetryAfter"/>.
/// </summary>
public sealed partial class SharedRateLimitCounters
{
    /// <summary>Prefix of every counter key in Redis.</summary>
    public const string KeyPrefix = "eventbooking:ratelimit:";

    // KEYS[1] the counter; ARGV[1] the window in ms, ARGV[2] the permits asked for. A key without an expiry (new) gets one.
    private const string Script = """
        local count = redis.call('INCRBY', KEYS[1], ARGV[2])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {count, ttl}
        """;

    private readonly IConnectionMultiplexer? _redis;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _retryAfter;
    private readonly TimeProvider _time;
    private readonly ILogger<SharedRateLimitCounters> _logger;
    private int _degraded;
    // When Redis may be asked again after it failed to answer (UTC ticks; 0: no pause).
    private long _askAgainAt;

    public SharedRateLimitCounters(IServiceProvider services, IOptions<SharedRateLimitOptions> options, TimeProvider time, ILogger<SharedRateLimitCounters> logger)
    {
        _redis = services.GetService<IConnectionMultiplexer>();
        _timeout = options.Value.RedisTimeout;
        _retryAfter = options.Value.RedisRetryAfter;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Whether a request is worth sending to Redis now (configured, connected, and not within the pause after a failed or late
    /// answer): if not, count locally at once.
    /// </summary>
    public bool Available
    {
        get
        {
            if (_redis is { IsConnected: true } && !Paused)
            {
                return true;
            }

            Degrade(null);
            return false;
        }
    }

    /// <summary>Counts <paramref name="permits"/> in the window of <paramref name="key"/>; <c>null</c> when Redis did not answer.</summary>
    public async ValueTask<WindowCount?> CountAsync(string key, int permits, TimeSpan window, CancellationToken cancellationToken)
    {
        if (_redis is null || !Available)
        {
            return null;
        }

        try
        {
            var result = await _redis.GetDatabase()
                .ScriptEvaluateAsync(Script, [KeyPrefix + key], [(long)Math.Ceiling(window.TotalMilliseconds), permits])
                .WaitAsync(_timeout, _time, cancellationToken);
            var values = (RedisResult[])result!;
            Recover();
            return new WindowCount((long)values[0], TimeSpan.FromMilliseconds((long)values[1]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Volatile.Write(ref _askAgainAt, (_time.GetUtcNow() + _retryAfter).UtcTicks);
            Degrade(ex);
            return null;
        }
    }

    // Within the pause after a failed or late answer.
    private bool Paused => _time.GetUtcNow().UtcTicks < Volatile.Read(ref _askAgainAt);

    private void Degrade(Exception? reason)
    {
        if (_redis is not null && Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            LogDegraded(_logger, reason);
        }
    }

    // A request that was already waiting when Redis failed may still get its answer during the pause: that is not a recovery
    // (it would log one for every such request, and a warning for every late one after it). The first answer after the pause is.
    private void Recover()
    {
        if (Paused)
        {
            return;
        }

        if (Volatile.Read(ref _degraded) == 1 && Interlocked.Exchange(ref _degraded, 0) == 1)
        {
            LogRecovered(_logger);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Redis does not answer: rate limits are counted per replica until it does (each replica allows the whole limit).")]
    private static partial void LogDegraded(ILogger logger, Exception? exception);

    [LoggerMessage(LogLevel.Information, "Redis answers again: rate limits are shared by every replica.")]
    private static partial void LogRecovered(ILogger logger);
}
