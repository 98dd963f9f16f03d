using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// A request that fails because the database is momentarily out of reach (connection pool exhausted under a rush,
/// a connection broken by a restart, a timeout) is answered <c>503</c> with <c>Retry-After</c> and a ProblemDetails,
/// not <c>500</c>: the client may retry (with the same Idempotency-Key, which makes a half-done booking continue, never repeat).
/// </summary>
public sealed partial class TransientFailureExceptionHandler(IProblemDetailsService problems, ILogger<TransientFailureExceptionHandler> logger) : IExceptionHandler
{
    public const string Code = "temporarily-unavailable";
    public const string ProblemType = Problems.TypeBase + Code;
    public const int RetryAfterSeconds = 1;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsTransient(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogTransientFailure(logger, exception.GetType().Name, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = Problems.ToProblemDetails(new Error(Code, ErrorKind.Unavailable,
                "The service is too busy to answer right now; retry shortly (with the same Idempotency-Key if the request had one).")),
        });
    }

    /// <summary>
    /// A transient database failure anywhere in the exception chain (EF Core wraps Npgsql's), or Redis out of reach (users-api
    /// records revocations there: a sign-out it cannot announce is answered 503, to be retried, never reported done).
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or TimeoutException or RedisConnectionException)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ExceptionType} on {Method} {Path}: answered 503 (a database momentarily unavailable)")]
    private static partial void LogTransientFailure(ILogger logger, string exceptionType, string method, string path);
}
