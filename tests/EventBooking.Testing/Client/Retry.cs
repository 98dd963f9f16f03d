using System.Net;
using Polly;
using Polly.Retry;

namespace EventBooking.Testing;

/// <summary>
/// When a test or a benchmark sends a request again: what a well-behaved client does with <c>503 Service Unavailable</c> (a
/// service shedding load or missing a dependency: nothing was done) is to wait as its <c>Retry-After</c> says and send the
/// same request (the same Idempotency-Key) again, until another answer comes or patience runs out; then the last answer is
/// returned as it is. <see cref="WhileRestarting"/> also waits out a service that is down: any 5xx, a timeout or a refused
/// connection (for requests that are safe to repeat: reads, or writes with an Idempotency-Key).
/// </summary>
public sealed class RetryPolicy
{
    private static readonly ResiliencePropertyKey<DateTime> DeadlineKey = new("eventbooking-retry-deadline");
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <param name="patience">How long to keep trying; zero sends once.</param>
    /// <param name="whileRestarting">Also retry other 5xx answers, timeouts and refused connections.</param>
    /// <param name="onRetry">Called before each retry (e.g. to count them).</param>
    public RetryPolicy(TimeSpan patience, bool whileRestarting = false, Action? onRetry = null)
    {
        Patience = patience;
        WhileRestartingToo = whileRestarting;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(2),
                ShouldHandle = args => ValueTask.FromResult(
                    DateTime.UtcNow < args.Context.Properties.GetValue(DeadlineKey, DateTime.MinValue) && ShouldRetry(args.Outcome, args.Context.CancellationToken)),
                // The server's word first; a little jitter, so the refused do not all come back in the same millisecond.
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result) is { } wait
                    ? wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250))
                    : (TimeSpan?)null),
                OnRetry = _ =>
                {
                    onRetry?.Invoke();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>503s only, for two minutes: the default of every helper of this library.</summary>
    public static RetryPolicy Unavailable { get; } = new(TimeSpan.FromMinutes(2));

    /// <summary>503s, other 5xx, timeouts and refused connections, for two minutes: a suite that kills and restarts services.</summary>
    public static RetryPolicy WhileRestarting { get; } = new(TimeSpan.FromMinutes(2), whileRestarting: true);

    /// <summary>Sends once: the first answer, whatever it is.</summary>
    public static RetryPolicy Never { get; } = new(TimeSpan.Zero);

    public TimeSpan Patience { get; }

    public bool WhileRestartingToo { get; }

    /// <summary>Sends (a fresh request each time, from <paramref name="send"/>) until an answer this policy does not retry, or patience runs out.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(DeadlineKey, DateTime.UtcNow + Patience);
        try
        {
            return await _pipeline.ExecuteAsync(async c => await send(c.CancellationToken), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Sends the request <paramref name="request"/> builds (once per attempt) with <paramref name="client"/>.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpClient client, Func<HttpRequestMessage> request, CancellationToken cancellationToken = default) =>
        SendAsync(async ct =>
        {
            using var message = request();
            return await client.SendAsync(message, ct);
        }, cancellationToken);

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) => outcome switch
    {
        { Result: { } response } => response.StatusCode == HttpStatusCode.ServiceUnavailable || (WhileRestartingToo && (int)response.StatusCode >= 500),
        { Exception: HttpRequestException or TaskCanceledException or IOException } => WhileRestartingToo && !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
