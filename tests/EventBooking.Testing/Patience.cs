using System.Net;

namespace EventBooking.Testing;

/// <summary>
/// What a well-behaved client does with <c>503 Service Unavailable</c> + <c>Retry-After</c> (a service shedding load): wait as
/// told and send the same request again (the same Idempotency-Key), until another answer comes or patience runs out.
/// </summary>
public static class Patience
{
    public static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, TimeSpan? patience = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            // A little jitter, so the refused do not all come back in the same millisecond.
            await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250)), cancellationToken);
        }
    }
}
