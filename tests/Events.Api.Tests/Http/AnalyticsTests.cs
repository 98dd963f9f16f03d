using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>users-api and TWO replicas of events-api, with a small analytics queue (64 signals per replica).</summary>
public sealed class AnalyticsTopologyFixture() : TopologyFixture([ResourceNames.UsersApi, ResourceNames.EventsApi], replicas: 2, seedDemoData: true)
{
    public const int QueueCapacity = 64;

    protected override void Configure(Dictionary<string, string?> environment)
    {
        environment["Analytics__QueueCapacity"] = QueueCapacity.ToString(CultureInfo.InvariantCulture);
        environment["Analytics__FlushInterval"] = "00:00:00.200";
    }
}

/// <summary>
/// Analytics on real servers, across two replicas of events-api: the figures match the traffic the test made (views, unique
/// visitors, impressions, holds, purchases, cancellations, revenue); only the event's organizer or an admin reads them, and
/// only the person or an admin reads their activity; a full queue drops signals, counts them, and never holds a request up.
/// </summary>
public sealed class AnalyticsTests(AnalyticsTopologyFixture fixture) : IClassFixture<AnalyticsTopologyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_figures_match_the_traffic_and_only_the_organizer_or_an_admin_reads_them()
    {
        var word = UniqueWord();
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Title = $"Analytics {word}", Capacity = 10, Price = 12m });
        var (visitorA, visitorB) = (Guid.NewGuid(), Guid.NewGuid());

        // Views on both replicas: A twice, B once, the attendee once, one without a visitor id; the web's prerender and the
        // organizer's own look are not views.
        await ViewAsync(fixture.CreateClient(ResourceNames.EventsApi, replica: 0), eventId, visitorA);
        await ViewAsync(fixture.CreateClient(ResourceNames.EventsApi, replica: 1), eventId, visitorA);
        await ViewAsync(fixture.CreateClient(ResourceNames.EventsApi, replica: 1), eventId, visitorB);
        await ViewAsync(fixture.CreateClient(ResourceNames.EventsApi, await fixture.TokenAsync("attendee"), replica: 0), eventId, visitorB);
        await ViewAsync(fixture.CreateClient(ResourceNames.EventsApi, replica: 0), eventId, null);
        await ViewAsync(fixture.CreateClient(ResourceNames.EventsApi, replica: 1), eventId, visitorA, prerender: true);
        await ViewAsync(fixture.CreateClient(ResourceNames.EventsApi, await fixture.TokenAsync("organizer"), replica: 0), eventId, null);

        // Three searches that show it (one per replica and one more), the attendee's among them.
        foreach (var (replica, token) in new[] { (0, (string?)null), (1, null), (1, await fixture.TokenAsync("attendee")) })
        {
            using var client = fixture.CreateClient(ResourceNames.EventsApi, token, replica);
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/events?q={word}", Ct);
            Assert.Equal(eventId, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        }

        // Two holds (bookings-api's), one paid, then cancelled with a refund; the confirmation delivered twice.
        using var service = await fixture.AsAsync(ResourceNames.EventsApi, "service");
        var (paidHold, unpaidHold) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        foreach (var (hold, seats) in new[] { (paidHold, 2), (unpaidHold, 1) })
        {
            var placed = await service.PutAsJsonAsync($"/internal/events/{eventId}/holds/{hold}", new { quantity = seats, expiresAt = DateTimeOffset.UtcNow.AddMinutes(10) }, Ct);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{eventId}/holds/{paidHold}/confirm", null, Ct)).StatusCode);
        using (var bus = await BusAsync())
        {
            var publisher = bus.Services.GetRequiredService<IIntegrationEventPublisher>();
            var confirmed = new BookingConfirmed(paidHold, eventId, DemoData.AttendeeId, DemoData.AttendeeEmail, "Demo Attendee", $"Analytics {word}",
                DateTimeOffset.UtcNow.AddDays(30), 2, new Money(24m, "EUR"), paidHold, [], DateTimeOffset.UtcNow);
            var messageId = Guid.CreateVersion7();
            await publisher.PublishAsync(confirmed, Ct, messageId);
            await publisher.PublishAsync(confirmed, Ct, messageId);
            await publisher.PublishAsync(confirmed, Ct); // a copy under another message id: the booking still counts once
            await publisher.PublishAsync(new BookingCancelled(paidHold, eventId, DemoData.AttendeeId, DemoData.AttendeeEmail, $"Analytics {word}", 2, paidHold,
                "attendee", "Changed plans", new Money(24m, "EUR"), DateTimeOffset.UtcNow), Ct);
        }

        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        JsonElement report = default;
        await Poll.UntilAsync(async () =>
        {
            report = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/analytics", Ct);
            // Every figure that arrives asynchronously: the bus runs handlers in parallel (4 per replica), so the cancellation
            // can be stored while a copy of the confirmation still waits on the other replica's inbox row.
            return report.GetProperty("views").GetInt64() >= 5 && report.GetProperty("cancellations").GetInt64() >= 1
                && report.GetProperty("purchases").GetInt64() >= 1 && report.GetProperty("searchImpressions").GetInt64() >= 3;
        }, TimeSpan.FromSeconds(30), "the signals and booking events reach the report", Ct);

        Assert.Equal(0, report.GetProperty("droppedSignals").GetInt64());
        Assert.Equal(5, report.GetProperty("views").GetInt64());
        Assert.Equal(3, report.GetProperty("uniqueVisitors").GetInt64()); // A, B, the attendee
        Assert.Equal(3, report.GetProperty("searchImpressions").GetInt64());
        Assert.Equal(2, report.GetProperty("holds").GetInt64());
        Assert.Equal(3, report.GetProperty("heldSeats").GetInt64());
        Assert.Equal(1, report.GetProperty("purchases").GetInt64());
        Assert.Equal(2, report.GetProperty("ticketsSold").GetInt64());
        Assert.Equal(1, report.GetProperty("cancellations").GetInt64());
        Assert.Equal(24m, report.GetProperty("revenue").GetDecimal());
        Assert.Equal(24m, report.GetProperty("refunds").GetDecimal());
        Assert.Equal(0m, report.GetProperty("netRevenue").GetDecimal());
        var funnel = report.GetProperty("funnel");
        Assert.Equal((5L, 2L, 1L, 0.2), (funnel.GetProperty("views").GetInt64(), funnel.GetProperty("holds").GetInt64(),
            funnel.GetProperty("purchases").GetInt64(), funnel.GetProperty("conversion").GetDouble()));
        // By default the report starts when the event was created (minutes ago): hourly, one point (two across an hour's end).
        var series = report.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal("hour", report.GetProperty("bucket").GetString());
        Assert.InRange(series.Count, 1, 2);
        Assert.Equal((5L, 2L, 1L, 24m), (series.Sum(p => p.GetProperty("views").GetInt64()), series.Sum(p => p.GetProperty("holds").GetInt64()),
            series.Sum(p => p.GetProperty("purchases").GetInt64()), series.Sum(p => p.GetProperty("revenue").GetDecimal())));

        // Hourly buckets over the last day: the same views in one point.
        var hourly = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/analytics?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))}&bucket=hour", Ct);
        Assert.Equal("hour", hourly.GetProperty("bucket").GetString());
        Assert.InRange(hourly.GetProperty("series").GetArrayLength(), 24, 25);
        Assert.Equal(5, hourly.GetProperty("views").GetInt64());

        // An admin reads it; another organizer, an attendee and nobody do not; an unknown event is 404.
        using var admin = await fixture.AsAsync(ResourceNames.EventsApi, "admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/events/{eventId}/analytics", Ct)).StatusCode);
        using var other = await fixture.AsAsync(ResourceNames.EventsApi, "organizer-2");
        await AssertProblemAsync(await other.GetAsync($"/api/events/{eventId}/analytics", Ct), HttpStatusCode.Forbidden, "forbidden");
        using var attendee = await fixture.AsAsync(ResourceNames.EventsApi, "attendee");
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.GetAsync($"/api/events/{eventId}/analytics", Ct)).StatusCode);
        using var anonymous = fixture.CreateClient(ResourceNames.EventsApi);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/events/{eventId}/analytics", Ct)).StatusCode);
        await AssertProblemAsync(await organizer.GetAsync($"/api/events/{Guid.CreateVersion7()}/analytics", Ct), HttpStatusCode.NotFound, "event-not-found");

        // Bad input: a ProblemDetails naming the field.
        foreach (var (query, field) in new[] { ("bucket=week", "bucket"), ("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "to"),
            ("from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&bucket=hour", "bucket") })
        {
            var refused = await organizer.GetAsync($"/api/events/{eventId}/analytics?{query}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _), query);
        }
    }

    [Fact]
    public async Task A_persons_activity_is_theirs_and_admins_only()
    {
        var word = UniqueWord();
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Title = $"Activity {word}" });
        using var attendee = await fixture.AsAsync(ResourceNames.EventsApi, "attendee-activity");
        var me = (await attendee.GetFromJsonAsync<JsonElement>($"/api/events?q={word}", Ct)).GetProperty("items").GetArrayLength();
        Assert.Equal(1, me);
        Assert.Equal(HttpStatusCode.OK, (await attendee.GetAsync($"/api/events/{eventId}", Ct)).StatusCode);

        JsonElement page = default;
        await Poll.UntilAsync(async () =>
        {
            page = await attendee.GetFromJsonAsync<JsonElement>("/api/me/activity", Ct);
            return page.GetProperty("totalCount").GetInt64() >= 2;
        }, TimeSpan.FromSeconds(30), "the attendee's view and search are written", Ct);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["view", "search"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal((eventId, $"Activity {word}"), (items[0].GetProperty("eventId").GetGuid(), items[0].GetProperty("eventTitle").GetString()));
        Assert.Equal(word, items[1].GetProperty("query").GetString());

        // Someone else's activity: their own page does not show it; the admin route refuses everyone but admins.
        var userId = Subject(await fixture.TokenAsync("attendee-activity"));
        using var stranger = await fixture.AsAsync(ResourceNames.EventsApi, "attendee-stranger");
        Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>("/api/me/activity", Ct)).GetProperty("totalCount").GetInt64());
        await AssertProblemAsync(await stranger.GetAsync($"/api/users/{userId}/activity", Ct), HttpStatusCode.Forbidden, null);
        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        await AssertProblemAsync(await organizer.GetAsync($"/api/users/{userId}/activity", Ct), HttpStatusCode.Forbidden, null);
        using var anonymous = fixture.CreateClient(ResourceNames.EventsApi);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/me/activity", Ct)).StatusCode);
        using var admin = await fixture.AsAsync(ResourceNames.EventsApi, "admin");
        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{userId}/activity", Ct);
        Assert.Equal(2, read.GetProperty("totalCount").GetInt64());
        var badPage = await admin.GetAsync($"/api/users/{userId}/activity?pageSize=1000", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.True((await badPage.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("pageSize", out _));
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_signals_and_never_holds_a_request_up()
    {
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Title = $"Crowded {UniqueWord()}" });
        const int Views = 400;

        // The writers cannot write while the table is locked: each replica's writer holds at most one queue's worth (64) in its
        // stuck batch and its queue 64 more, so of 200 views per replica at least 72 are dropped.
        await using (var connection = new NpgsqlConnection(await fixture.System.ConnectionStringAsync(ResourceNames.EventsDb, Ct)))
        {
            await connection.OpenAsync(Ct);
            await using var transaction = await connection.BeginTransactionAsync(Ct);
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE analytics_signals IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await lockTable.ExecuteNonQueryAsync(Ct);
            }

            using var replica0 = fixture.CreateClient(ResourceNames.EventsApi, replica: 0);
            using var replica1 = fixture.CreateClient(ResourceNames.EventsApi, replica: 1);
            using var answered = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            answered.CancelAfter(TimeSpan.FromSeconds(60)); // far more than 400 reads take; a blocked request would hit it
            for (var i = 0; i < Views; i++)
            {
                var response = await (i % 2 == 0 ? replica0 : replica1).GetAsync($"/api/events/{eventId}", answered.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await transaction.RollbackAsync(Ct);
        }

        using var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        JsonElement report = default;
        await Poll.UntilAsync(async () =>
        {
            report = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/analytics", Ct);
            return report.GetProperty("views").GetInt64() + report.GetProperty("droppedSignals").GetInt64() == Views;
        }, TimeSpan.FromSeconds(30), "every view is either written or counted as dropped", Ct);
        var dropped = report.GetProperty("droppedSignals").GetInt64();
        Assert.InRange(dropped, Views - (4 * AnalyticsTopologyFixture.QueueCapacity), Views - 1);
        Assert.True(report.GetProperty("views").GetInt64() > 0);
    }

    private static async Task ViewAsync(HttpClient client, Guid eventId, Guid? visitor, bool prerender = false)
    {
        using (client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/events/{eventId}");
            if (visitor is { } id)
            {
                request.Headers.Add("X-Visitor-Id", id.ToString());
            }

            if (prerender)
            {
                request.Headers.Add("X-Analytics-Prerender", "true");
            }

            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request, Ct)).StatusCode);
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (code is not null)
        {
            Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        }
    }

    /// <summary>A word no other event has, for a full-text search that finds exactly one event.</summary>
    private static string UniqueWord() => string.Concat(Guid.NewGuid().ToString("N").Select(c => (char)('a' + (c % 26))))[..14];

    private static Guid Subject(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.GetProperty("sub").GetGuid();
    }

    private async Task<IHost> BusAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:messaging"] = await fixture.System.ConnectionStringAsync(ResourceNames.Messaging, Ct);
        builder.AddEventBus("messaging", "events-api-analytics-tests");
        return builder.Build();
    }
}
