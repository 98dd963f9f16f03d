using System.Net;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>HTTP helpers of a patient client: retries while a service is restarting, never on a real answer.</summary>
public static class Http
{
    /// <summary>Sends until an answer that is not a 5xx (or a transport failure) arrives, for up to <paramref name="patience"/>.</summary>
    public static async Task<HttpResponseMessage> RetryAsync(Func<Task<HttpResponseMessage>> send, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(120));
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var response = await send();
                if ((int)response.StatusCode < 500 || DateTime.UtcNow > deadline)
                {
                    return response;
                }

                response.Dispose();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                // The service is down or restarting: try again.
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(2000, delay.TotalMilliseconds * 2));
        }
    }

    public static async Task EnsureAsync(HttpResponseMessage response, string what, params HttpStatusCode[] expected)
    {
        var ok = expected.Length == 0 ? response.IsSuccessStatusCode : expected.Contains(response.StatusCode);
        Assert.True(ok, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
