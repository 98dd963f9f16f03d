using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// EF Core's Npgsql retrying strategy (a connection broken by a restart, a failover, a serialization failure are retried
/// with backoff), except for a connection that could not be had in time. That one means the service is overloaded — every
/// pooled connection is busy — and retrying it only queues the request again for another full pool timeout (six retries
/// made a request wait about a minute). It fails at once instead, so the caller gets 503 + Retry-After
/// (<see cref="TransientFailureExceptionHandler"/>) and the load is shed instead of piling up.
/// </summary>
public sealed class ShedOverloadExecutionStrategy(ExecutionStrategyDependencies dependencies) : NpgsqlRetryingExecutionStrategy(dependencies)
{
    protected override bool ShouldRetryOn(Exception? exception) => exception is not null && !IsConnectionWaitTimeout(exception) && base.ShouldRetryOn(exception);

    /// <summary>
    /// Npgsql reports an exhausted pool (and a connection attempt that timed out) as an <see cref="NpgsqlException"/>
    /// around a <see cref="TimeoutException"/>, with no PostgreSQL error: the server never saw the request.
    /// </summary>
    public static bool IsConnectionWaitTimeout(Exception exception) =>
        exception is NpgsqlException { InnerException: TimeoutException } and not PostgresException;
}
