using System.Net;
using System.Security.Cryptography;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// One booking is one trace: the client (standing in for the web BFF, which is not started) opens a W3C trace and sends
/// its <c>traceparent</c> with the booking and the payment; the spans the services export to the Aspire dashboard must
/// then share that trace id across bookings-api → events-api → RabbitMQ (producer and consumer spans) → notifications-api.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TracingTests(SystemFixture fixture)
{
    [Fact]
    public async Task One_booking_yields_one_trace_across_bookings_events_rabbitmq_and_notifications()
    {
        var ct = TestContext.Current.CancellationToken;
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 5, Price = 20m });
        var buyer = await fixture.RegisterAsync();
        using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, buyer.AccessToken);

        // Exporters are best-effort by design: under load a batch a service sends to the dashboard can time out and be dropped
        // (CI once lost every bookings-api span of one booking while events-api's spans named their bookings-api parents). So a
        // booking whose tree stays incomplete is followed by another with a fresh trace; broken propagation fails all of them.
        var attempts = new List<string>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var roots = new HashSet<string>();
            using var book = Shopping.BookingRequest(eventId, 1, Guid.NewGuid().ToString());
            book.Headers.Add("traceparent", Parent(traceId, roots));
            using var booked = await bookings.SendAsync(book, ct);
            var bookingId = await booked.ReadIdAsync(HttpStatusCode.Created, ct);

            using var pay = Shopping.PaymentRequest(bookingId, Guid.NewGuid().ToString());
            pay.Headers.Add("traceparent", Parent(traceId, roots));
            using var paid = await bookings.SendAsync(pay, ct);
            await paid.ReadJsonAsync(HttpStatusCode.Created, ct);
            fixture.Figures.AddOperations(2);

            List<ReceivedSpan> trace = [];
            try
            {
                await Poll.UntilAsync(async () =>
                {
                    trace = await fixture.System.Telemetry.TraceAsync(traceId, ct);
                    return IsOneTree(trace, roots);
                }, TimeSpan.FromSeconds(60), "the booking's trace reaches notifications-api", ct);
                TestContext.Current.TestOutputHelper?.WriteLine($"attempt {attempt}, trace {traceId}: {trace.Count} spans: " +
                    string.Join("; ", trace.Select(s => $"{s.Service}:{s.Name}(kind {s.Kind})").Distinct()));
                await Invariants.ReconciledAsync(fixture);
                return;
            }
            catch (TimeoutException)
            {
                attempts.Add($"attempt {attempt}: trace {traceId} (client roots {string.Join(",", roots)}) has: " +
                    $"{string.Join("; ", trace.Select(s => $"{s.Service}:{s.Name}(kind {s.Kind}, {s.SpanId} under {s.ParentSpanId})"))}; " +
                    await DashboardHoldsAsync(ct));
            }
        }

        Assert.Fail(string.Join(Environment.NewLine, attempts));
    }

    /// <summary>
    /// What the dashboard holds, for the failure message only. Asked for every service's spans under load, the dashboard has
    /// answered 500 (CI, 2026-12-07); that must not cut the remaining attempts short.
    /// </summary>
    private async Task<string> DashboardHoldsAsync(CancellationToken ct)
    {
        try
        {
            var received = await fixture.System.Telemetry.SpansAsync(cancellationToken: ct);
            return $"the dashboard has {received.Count} spans from {string.Join(",", received.Select(s => s.Service).Distinct())}";
        }
        catch (HttpRequestException e)
        {
            return $"the dashboard did not list its spans ({e.Message})";
        }
    }

    /// <summary>
    /// One tree: the notifications consumer's ancestry climbs through the RabbitMQ producer and bookings-api to one of the
    /// client's root spans, and so does every events-api span. Spans off those paths (a database command, say) may still be
    /// on their way or dropped by an exporter under load: they do not decide the test.
    /// </summary>
    private static bool IsOneTree(List<ReceivedSpan> trace, HashSet<string> roots)
    {
        string[] services = [ResourceNames.BookingsApi, ResourceNames.EventsApi, ResourceNames.NotificationsApi];
        var byId = trace.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        return services.All(service => trace.Any(s => s.Service.StartsWith(service, StringComparison.Ordinal)))
            && trace.Where(s => s.Kind == SpanKinds.Consumer && s.Service.StartsWith(ResourceNames.NotificationsApi, StringComparison.Ordinal))
                .Any(consumer => Ancestry(consumer, byId, roots) is { } path
                    && path.Any(s => s.Kind == SpanKinds.Producer)
                    && path.Any(s => s.Service.StartsWith(ResourceNames.BookingsApi, StringComparison.Ordinal)))
            && trace.Where(s => s.Service.StartsWith(ResourceNames.EventsApi, StringComparison.Ordinal))
                .All(span => Ancestry(span, byId, roots) is not null);
    }

    /// <summary>The spans from <paramref name="span"/> up to the client's root, or null while a link of the chain is missing.</summary>
    private static List<ReceivedSpan>? Ancestry(ReceivedSpan span, Dictionary<string, ReceivedSpan> byId, HashSet<string> roots)
    {
        var path = new List<ReceivedSpan> { span };
        while (!roots.Contains(path[^1].ParentSpanId))
        {
            if (!byId.TryGetValue(path[^1].ParentSpanId, out var parent) || path.Count > byId.Count)
            {
                return null;
            }

            path.Add(parent);
        }

        return path;
    }

    private static string Parent(string traceId, HashSet<string> roots)
    {
        var spanId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        roots.Add(spanId);
        return $"00-{traceId}-{spanId}-01";
    }
}
