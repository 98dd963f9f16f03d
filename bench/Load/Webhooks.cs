using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.Testing;

namespace Load.Bench;

/// <summary>(w) What webhooks cost and how late they are: lag at a steady rate, and a rush with a receiver that answers in 5 s.</summary>
public sealed record WebhookFigures(int Bookings, int Delivered, double[] LagMs, string LoadAverage, ScenarioRun Without, ScenarioRun SlowReceiver);

/// <summary>
/// (w) The organizer registers an endpoint on a receiver in this process (127.0.0.1; the services run with
/// <c>Webhooks__AllowPrivateTargets=true</c> for it). Lag = when the receiver got <c>booking.confirmed</c> − the booking's
/// <c>confirmedAt</c> in its body (one clock: this machine's).
/// </summary>
public static class WebhookBench
{
    private const string HealthyPath = "/bench/healthy";
    private const string SlowPath = "/bench/slow";
    private static readonly string[] Confirmations = ["booking.confirmed"];

    public static async Task<WebhookFigures> RunAsync(Shop shop, string organizerToken, IReadOnlyList<Shopper> shoppers, Func<Random, Guid> pickEvent,
        LoadOptions options, Func<Func<Task<ScenarioRun>>, Task<ScenarioRun>> measured)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay(SlowPath, TimeSpan.FromSeconds(5));
        using var hooks = shop.BookingsClient(organizerToken);

        // 1. Lag at a steady rate with a healthy receiver.
        var healthy = await RegisterAsync(hooks, receiver.Url(HealthyPath));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // each replica reads an organizer's endpoints once a second
        var steady = await measured(() => Journey.OpenAsync("w: steady bookings, webhook receiver healthy", shop, shoppers, options.NotificationRate,
            options.NotificationDuration, pickEvent));
        var wanted = steady.ConfirmedBookings.ToHashSet();
        using (var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (!wait.IsCancellationRequested && Delivered(receiver, HealthyPath).Keys.Count(wanted.Contains) < wanted.Count)
            {
                await Task.Delay(200);
            }
        }

        var lags = Delivered(receiver, HealthyPath).Where(d => wanted.Contains(d.Key)).Select(d => d.Value).Order().ToArray();
        var load = Machine.LoadAverage();
        await DeleteAsync(hooks, healthy);

        // 2. The same closed rush without webhooks, then with an endpoint whose receiver answers in 5 s.
        var without = await measured(() => Journey.ClosedAsync("w: closed, no webhook endpoint", shop, shoppers, options.WebhookUsers, pickEvent,
            options.ClosedDuration, stopWhenSoldOut: false));
        var slow = await RegisterAsync(hooks, receiver.Url(SlowPath));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var withSlow = await measured(() => Journey.ClosedAsync("w: closed, webhook receiver answers in 5 s", shop, shoppers, options.WebhookUsers, pickEvent,
            options.ClosedDuration, stopWhenSoldOut: false));
        await DeleteAsync(hooks, slow);
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] w: {lags.Length} of {wanted.Count} webhooks arrived; lag p99 {Notifications.Percentile(lags, 0.99):0} ms; " +
            $"closed {without.ConfirmedPerSecond:0.0}/s without, {withSlow.ConfirmedPerSecond:0.0}/s with a 5 s receiver");
        return new WebhookFigures(wanted.Count, lags.Length, lags, load, without, withSlow);
    }

    /// <summary>Each booking's first arrival: booking id → milliseconds from its confirmation.</summary>
    private static Dictionary<Guid, double> Delivered(WebhookReceiver receiver, string path)
    {
        var lags = new Dictionary<Guid, double>();
        foreach (var received in receiver.At(path))
        {
            var data = JsonDocument.Parse(received.Body).RootElement.GetProperty("data");
            var bookingId = data.GetProperty("bookingId").GetGuid();
            var lag = (received.At - data.GetProperty("confirmedAt").GetDateTimeOffset()).TotalMilliseconds;
            lags[bookingId] = lags.TryGetValue(bookingId, out var earlier) ? Math.Min(earlier, lag) : lag;
        }

        return lags;
    }

    private static async Task<Guid> RegisterAsync(HttpClient hooks, string url)
    {
        using var response = await hooks.PostAsJsonAsync("/api/webhooks", new { url, description = "bench receiver", eventTypes = Confirmations });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering the bench's webhook endpoint failed: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("endpoint").GetProperty("id").GetGuid();
    }

    private static async Task DeleteAsync(HttpClient hooks, Guid endpointId)
    {
        using var response = await hooks.DeleteAsync($"/api/webhooks/{endpointId}");
        response.EnsureSuccessStatusCode();
    }
}
