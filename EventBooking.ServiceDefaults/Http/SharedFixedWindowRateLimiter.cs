using System.Diagnostics;
using System.Threading.RateLimiting;

namespace EventBooking.ServiceDefaults;

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed record RateLimitWindow(int PermitLimit, TimeSpan Window);

/// <summary>
/// A fixed-window limiter for one partition (a user, a service client or a client address under one policy) whose count every
/// replica shares through <see cref="SharedRateLimitCounters"/>, so two replicas do not double a limit. Like any fixed window it
/// lets up to twice the limit through across a window boundary (the end of one window and the start of the next).
/// <para>
/// It answers asynchronously: while Redis is connected <see cref="AttemptAcquireCore"/> declines without a lease (no call is
/// made) and ASP.NET Core's rate-limiting middleware then calls <see cref="AcquireAsyncCore"/>, which makes the one round trip.
/// When Redis is not there it fails open to a local limit, not to no limit: the same window counted by this replica alone
/// (so with N replicas up to N times the limit gets through while Redis is down, and sign-in and purchases keep working).
/// </para>
/// </summary>
public sealed class SharedFixedWindowRateLimiter(SharedRateLimitCounters counters, string key, RateLimitWindow limit) : RateLimiter
{
    private static readonly RateLimitLease Undecided = new WindowLease(false, null);
    private static readonly RateLimitLease Granted = new WindowLease(true, null);
    private readonly Lock _gate = new();
    private FixedWindowRateLimiter? _local;
    private long _lastUsed = Stopwatch.GetTimestamp();

    /// <summary>Idle since the last request, unless the local fallback still holds a window's count (then it must be kept).</summary>
    public override TimeSpan? IdleDuration =>
        _local is { IdleDuration: null } ? null : Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => _local?.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Check(permitCount);
        return counters.Available ? Undecided : Local().AttemptAcquire(permitCount);
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Check(permitCount);
        if (await counters.CountAsync(key, permitCount, limit.Window, cancellationToken) is not { } counted)
        {
            return Local().AttemptAcquire(permitCount);
        }

        var acquired = permitCount == 0 ? counted.Count < limit.PermitLimit : counted.Count <= limit.PermitLimit;
        return acquired ? Granted : new WindowLease(false, counted.ResetsIn);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _local?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, limit.PermitLimit);
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
    }

    /// <summary>This replica's own window, made the first time Redis is missing (most partitions never need one).</summary>
    private FixedWindowRateLimiter Local()
    {
        lock (_gate)
        {
            return _local ??= new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }

    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
