using System.Globalization;
using StackExchange.Redis;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// How revocations travel in Redis (the AppHost's <c>cache</c>): a sorted set of revoked session ids scored by the Unix
/// millisecond until which their tokens must be refused (what a service reads whole when its subscription (re)starts), and a
/// pub/sub channel on which each revocation is announced (what keeps every service's view current between reads). Both are
/// written in one MULTI/EXEC, so a revocation is either in the set before a reader's read or announced after it.
/// Messages: <c>r {until} {sid} {sid}…</c> for revocations, <c>t {instance} {timestamp}</c> for a service's own heartbeat.
/// </summary>
public static class RevocationChannel
{
    public static readonly RedisKey SetKey = "eventbooking:revoked-sessions";
    public static readonly RedisChannel Channel = RedisChannel.Literal("eventbooking:revocations");

    private const char RevocationTag = 'r';
    private const char HeartbeatTag = 't';

    /// <summary>Records and announces that the tokens of <paramref name="sessionIds"/> are refused until <paramref name="until"/>.</summary>
    public static async Task RecordAsync(IDatabase database, IReadOnlyCollection<Guid> sessionIds, DateTimeOffset until, DateTimeOffset now)
    {
        var untilMs = until.ToUnixTimeMilliseconds();
        var transaction = database.CreateTransaction();
        var add = transaction.SortedSetAddAsync(SetKey, [.. sessionIds.Select(id => new SortedSetEntry(id.ToString("N"), untilMs))]);
        // Entries whose tokens have all expired leave the set; the set itself goes when its last entry would.
        var trim = transaction.SortedSetRemoveRangeByScoreAsync(SetKey, double.NegativeInfinity, now.ToUnixTimeMilliseconds());
        var expire = transaction.KeyExpireAsync(SetKey, until.UtcDateTime, ExpireWhen.GreaterThanCurrentExpiry);
        var expireFirst = transaction.KeyExpireAsync(SetKey, until.UtcDateTime, ExpireWhen.HasNoExpiry);
        var publish = transaction.PublishAsync(Channel, string.Join(' ',
            [RevocationTag.ToString(), untilMs.ToString(CultureInfo.InvariantCulture), .. sessionIds.Select(id => id.ToString("N"))]));
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("The revocation transaction was not applied.");
        }

        await Task.WhenAll(add, trim, expire, expireFirst, publish);
    }

    /// <summary>Every revocation still in force, read whole (when a subscription starts or comes back).</summary>
    public static async Task LoadAsync(IDatabase database, RevokedSessions view, DateTimeOffset now)
    {
        var entries = await database.SortedSetRangeByScoreWithScoresAsync(SetKey, now.ToUnixTimeMilliseconds(), double.PositiveInfinity);
        foreach (var entry in entries)
        {
            if (Guid.TryParseExact(entry.Element.ToString(), "N", out var sessionId))
            {
                view.Revoke(sessionId, (long)entry.Score);
            }
        }
    }

    /// <summary>Until when <paramref name="sessionId"/>'s tokens are refused (Unix milliseconds), or null if it was never revoked.</summary>
    public static async Task<long?> ReadAsync(IDatabase database, Guid sessionId) =>
        await database.SortedSetScoreAsync(SetKey, sessionId.ToString("N")) is { } score ? (long)score : null;

    /// <summary>A service's heartbeat: it comes back on the same subscription, after every revocation published before it.</summary>
    public static Task<long> PublishHeartbeatAsync(ISubscriber subscriber, string instance, long timestamp) =>
        subscriber.PublishAsync(Channel, string.Create(CultureInfo.InvariantCulture, $"{HeartbeatTag} {instance} {timestamp}"));

    /// <summary>Applies a revocation message to <paramref name="view"/>; for a heartbeat, returns its instance and timestamp.</summary>
    public static (string Instance, long Timestamp)? Apply(string message, RevokedSessions view)
    {
        var parts = message.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 3 && parts[0] == HeartbeatTag.ToString() && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var timestamp))
        {
            return (parts[1], timestamp);
        }

        if (parts.Length >= 3 && parts[0] == RevocationTag.ToString() && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var until))
        {
            foreach (var part in parts.AsSpan(2))
            {
                if (Guid.TryParseExact(part, "N", out var sessionId))
                {
                    view.Revoke(sessionId, until);
                }
            }
        }

        return null;
    }
}
