using EventBooking.Web.Extensions;
using StackExchange.Redis;

namespace EventBooking.Web.Auth;

/// <summary>
/// Serializes the refresh of one session across web replicas. Refresh tokens rotate and users-api takes a reused one for a
/// replay (it revokes the session), so two replicas refreshing the same session at once would sign the user out. With Redis
/// (<see cref="SharedState"/>) this is a lease in Redis (<c>SET NX PX</c>, released by its owner only); in a single process
/// the caller's per-session semaphore is enough and this lets it through.
/// </summary>
public sealed class SessionRefreshLock(IServiceProvider services, TimeProvider time)
{
    /// <summary>How long a replica may hold the lease (a refresh is one call to users-api); also how long another one waits.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(50);

    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();

    /// <summary>The lease on <paramref name="sessionId"/>'s refresh; null when another replica held it for the whole <see cref="Lease"/>.</summary>
    public async Task<IAsyncDisposable?> AcquireAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_redis is null)
        {
            return NoLease.Instance;
        }

        var database = _redis.GetDatabase();
        RedisKey key = SharedState.KeyPrefix + "session-refresh:" + sessionId;
        RedisValue owner = Guid.CreateVersion7().ToString("N");
        var deadline = time.GetUtcNow() + Lease;
        while (!await database.LockTakeAsync(key, owner, Lease))
        {
            if (time.GetUtcNow() >= deadline)
            {
                return null;
            }

            await Task.Delay(RetryEvery, time, cancellationToken);
        }

        return new RedisLease(database, key, owner);
    }

    private sealed class RedisLease(IDatabase database, RedisKey key, RedisValue owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await database.LockReleaseAsync(key, owner);
    }

    private sealed class NoLease : IAsyncDisposable
    {
        public static readonly NoLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
