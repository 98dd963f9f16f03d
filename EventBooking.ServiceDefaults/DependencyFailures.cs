using Polly;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// The one definition of "a service this one depends on could not answer", for every outgoing HTTP call: the call did not get
/// through (<see cref="HttpRequestException"/>), it timed out (HttpClient's own timeout, or the resilience handler's attempt or
/// total timeout), or the circuit breaker refused it (both <see cref="ExecutionRejectedException"/>). A dependency that accepts
/// connections but never answers ends in a timeout, not in a refused connection, and must be treated the same way.
/// </summary>
public static class DependencyFailures
{
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or ExecutionRejectedException or TimeoutException => true,
        // HttpClient's timeout surfaces as a cancellation the caller did not ask for.
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
