using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// Asks Redis about one session when this process's <see cref="RevokedSessions"/> view is older than its bound. The view goes
/// stale for two reasons: Redis is out of reach, or this process is too starved of CPU to see its heartbeat come back within
/// the bound (a sale rush on two cores). Only the first should refuse people: the sorted set is the record of every
/// revocation (written in the same MULTI/EXEC as its announcement), so reading the session's entry answers exactly, and more
/// currently than the view. While Redis does not answer within <see cref="Timeout"/>, the answer stays "cannot tell" (503).
/// </summary>
public sealed class RevocationLookup
{
    /// <summary>How long a request waits for Redis before it is answered 503: an outage must not hold requests for seconds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    private readonly IConnectionMultiplexer _redis;
    private readonly RevokedSessions _view;
    private readonly TimeProvider _time;
    private readonly Counter<long> _lookups;

    public RevocationLookup(IConnectionMultiplexer redis, RevokedSessions view, TimeProvider time, IMeterFactory meters)
    {
        _redis = redis;
        _view = view;
        _time = time;
        _lookups = meters.Create(Telemetry.EventBookingMeterName).CreateCounter<long>("eventbooking.revocation.lookups", "{lookup}",
            "End-user tokens checked in Redis one by one because this process's revocation view was stale, by outcome.");
    }

    /// <summary>The session's verdict read from Redis: <see cref="SessionVerdict.Unknown"/> when Redis does not answer in time.</summary>
    public async Task<SessionVerdict> CheckAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var verdict = SessionVerdict.Unknown;
        try
        {
            if (_redis.IsConnected)
            {
                var until = await RevocationChannel.ReadAsync(_redis.GetDatabase(), sessionId).WaitAsync(Timeout, _time, cancellationToken);
                if (until is { } revokedUntil && revokedUntil > _time.GetUtcNow().ToUnixTimeMilliseconds())
                {
                    // Known from now on, however long the view stays stale.
                    _view.Revoke(sessionId, revokedUntil);
                    verdict = SessionVerdict.Revoked;
                }
                else
                {
                    verdict = SessionVerdict.Valid;
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            verdict = SessionVerdict.Unknown;
        }

        _lookups.Add(1, new KeyValuePair<string, object?>("outcome", verdict.ToString().ToLowerInvariant()));
        return verdict;
    }
}
