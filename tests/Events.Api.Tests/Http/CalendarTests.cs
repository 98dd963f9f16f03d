using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Testing;
using Xunit;
using IcalCalendar = Ical.Net.Calendar;
using IcalEvent = Ical.Net.CalendarComponents.CalendarEvent;

namespace Events.Api.Tests.Http;

/// <summary>"Add to calendar": <c>GET /api/events/{id}/calendar.ics</c> over real HTTP, read back with an independent iCalendar parser.</summary>
public sealed class CalendarTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(30).AddHours(19);

    private static JsonObject Body(string title, DateTimeOffset startsAt, string venue = "Test Hall") => new()
    {
        ["title"] = title,
        ["description"] = "Doors at 19:00; bring ID, and a coat.\nSecond line: Ünïcödé 🎷.",
        ["venue"] = venue,
        ["city"] = "Porto",
        ["startsAt"] = startsAt.ToString("O"),
        ["endsAt"] = startsAt.AddHours(2).ToString("O"),
        ["timeZone"] = "Europe/Lisbon",
        ["category"] = "music",
        ["capacity"] = 40,
        ["price"] = 12m,
        ["currency"] = "EUR",
    };

    private static async Task<(IcalCalendar Calendar, IcalEvent Event)> DownloadAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/events/{id}/calendar.ics", Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"event-{id}.ics", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        var text = new UTF8Encoding(false, true).GetString(bytes);
        var lines = text.Split("\r\n");
        Assert.Equal("", lines[^1]);
        Assert.All(lines[..^1], line => Assert.InRange(Encoding.UTF8.GetByteCount(line), 1, 75));
        Assert.DoesNotContain('\n', string.Concat(lines));

        var calendar = IcalCalendar.Load(text)!;
        return (calendar, Assert.Single(calendar.Events));
    }

    [Fact]
    public async Task A_published_event_downloads_as_an_ics_whose_sequence_follows_moves_and_the_cancellation()
    {
        using var organizer = await fixture.AsAsync("organizer");
        using var anonymous = fixture.Anonymous();
        var title = $"Calendar night, take {Guid.NewGuid():N}";
        var id = (await organizer.CreateEventAsync(Body(title, Start), RetryPolicy.Never, Ct)).GetProperty("id").GetGuid();
        await organizer.PublishAsync(id, RetryPolicy.Never, Ct);

        var (calendar, e) = await DownloadAsync(anonymous, id);
        Assert.Equal("PUBLISH", calendar.Method);
        Assert.Equal("2.0", calendar.Version);
        Assert.Equal($"event-{id}@eventbooking", e.Uid);
        Assert.Equal(0, e.Sequence);
        Assert.Equal(title, e.Summary);
        Assert.Equal("Test Hall, Porto", e.Location);
        Assert.StartsWith("Doors at 19:00; bring ID, and a coat.\nSecond line: Ünïcödé 🎷.", e.Description, StringComparison.Ordinal);
        Assert.Equal($"/events/{id}", e.Url!.AbsolutePath);
        Assert.Equal("CONFIRMED", e.Status);
        Assert.True(e.DtStart!.IsUtc);
        Assert.Equal(Start.UtcDateTime, e.DtStart.Value);
        Assert.Equal(Start.AddHours(2).UtcDateTime, e.DtEnd!.Value);

        // A new title alone is not a new time or place: same revision, new summary.
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/events/{id}", Body(title + " (renamed)", Start), Ct)).StatusCode);
        (_, e) = await DownloadAsync(anonymous, id);
        Assert.Equal((0, title + " (renamed)"), (e.Sequence, e.Summary));

        // Moved an hour later and to another hall: the same UID, a higher SEQUENCE, the new time and place.
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/events/{id}", Body(title, Start.AddHours(1), "Other Hall"), Ct)).StatusCode);
        (_, e) = await DownloadAsync(anonymous, id);
        Assert.Equal(($"event-{id}@eventbooking", 1, "Other Hall, Porto"), (e.Uid, e.Sequence, e.Location));
        Assert.Equal(Start.AddHours(1).UtcDateTime, e.DtStart!.Value);

        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsJsonAsync($"/api/events/{id}/cancel", new { reason = "Storm" }, Ct)).StatusCode);
        (_, e) = await DownloadAsync(anonymous, id);
        Assert.Equal((2, "CANCELLED"), (e.Sequence, e.Status));
    }

    [Fact]
    public async Task Drafts_unknown_and_malformed_ids_are_problems()
    {
        using var organizer = await fixture.AsAsync("organizer");
        using var anonymous = fixture.Anonymous();
        var draft = (await organizer.CreateEventAsync(Body("A draft", Start), RetryPolicy.Never, Ct)).GetProperty("id").GetGuid();

        foreach (var (client, path) in new[] { (anonymous, $"/api/events/{draft}/calendar.ics"), (organizer, $"/api/events/{draft}/calendar.ics"),
            (anonymous, $"/api/events/{Guid.CreateVersion7()}/calendar.ics") })
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("event-not-found", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        }

        using var malformed = await anonymous.GetAsync("/api/events/not-a-guid/calendar.ics", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
    }
}
