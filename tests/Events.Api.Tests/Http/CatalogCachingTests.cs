using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Testing;
using Events.Api.Caching;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>
/// Cached catalog reads over real HTTP: every read below is served from the cache when it can be (the same query was read
/// just before), so a stale page would show. Catalog changes show at once; seats are at most
/// <see cref="CatalogOptions.AvailabilityCacheDuration"/> old on list items and details.
/// </summary>
public sealed class CatalogCachingTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string UniqueCity() => "Cache-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A word of letters only, unknown to the dictionary, so full-text search finds exactly the events that carry it.</summary>
    private static string UniqueWord() => string.Concat(Guid.NewGuid().ToString("N")[..12].Select(c => (char)('a' + c % 26)));

    private static JsonObject Event(string city, string title, decimal price = 30m, int capacity = 50, int inDays = 20) => new()
    {
        ["title"] = title,
        ["description"] = "A cached test event.",
        ["venue"] = "Cache Hall",
        ["city"] = city,
        ["startsAt"] = DateTimeOffset.UtcNow.AddDays(inDays).ToString("O"),
        ["endsAt"] = DateTimeOffset.UtcNow.AddDays(inDays).AddHours(2).ToString("O"),
        ["timeZone"] = "Europe/Lisbon",
        ["category"] = "music",
        ["capacity"] = capacity,
        ["price"] = price,
        ["currency"] = "EUR",
    };

    private static async Task<string> CreateAsync(HttpClient organizer, JsonObject body, bool publish = true)
    {
        var id = publish
            ? await organizer.CreatePublishedEventAsync(body, RetryPolicy.Never, Ct)
            : (await organizer.CreateEventAsync(body, RetryPolicy.Never, Ct)).GetProperty("id").GetGuid();
        return id.ToString();
    }

    private static async Task<(long Total, List<JsonElement> Items)> ListAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/events?{query}", Ct);
        return (page.GetProperty("totalCount").GetInt64(), page.GetProperty("items").EnumerateArray().ToList());
    }

    private static async Task<List<string>> IdsAsync(HttpClient client, string query) =>
        [.. (await ListAsync(client, query)).Items.Select(i => i.GetProperty("id").GetString()!)];

    [Fact]
    public async Task A_cached_list_and_search_show_a_publish_an_update_and_a_cancellation_at_once()
    {
        var city = UniqueCity();
        var word = UniqueWord();
        var list = $"city={city}";
        var search = $"q={word}&city={city}&sort=relevance";
        using var anonymous = fixture.Anonymous();
        using var organizer = await fixture.AsAsync("organizer");
        Assert.Equal(0L, (await ListAsync(anonymous, list)).Total);
        Assert.Equal(0L, (await ListAsync(anonymous, search)).Total);

        // A draft is created: the cached pages are dropped, and the refilled ones still do not show it.
        var id = await CreateAsync(organizer, Event(city, $"Cached {word} night"), publish: false);
        Assert.Equal(0L, (await ListAsync(anonymous, list)).Total);
        Assert.Equal(0L, (await ListAsync(anonymous, search)).Total);

        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsync($"/api/events/{id}/publish", null, Ct)).StatusCode);
        Assert.Equal([id], await IdsAsync(anonymous, list));
        Assert.Equal([id], await IdsAsync(anonymous, search));
        // The same query spelt differently is the same cached page.
        Assert.Equal([id], await IdsAsync(anonymous, $"city=%20{city.ToUpperInvariant()}%20"));

        var renamed = Event(city, $"Renamed {word} night");
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/events/{id}", renamed, Ct)).StatusCode);
        Assert.Equal($"Renamed {word} night", (await ListAsync(anonymous, list)).Items.Single().GetProperty("title").GetString());
        Assert.Equal($"Renamed {word} night", (await ListAsync(anonymous, search)).Items.Single().GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsJsonAsync($"/api/events/{id}/cancel", new { reason = "Cache test" }, Ct)).StatusCode);
        Assert.Equal(0L, (await ListAsync(anonymous, list)).Total);
        Assert.Equal(0L, (await ListAsync(anonymous, search)).Total);
        Assert.Equal("Cancelled", (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cached_pages_page_filter_and_sort_like_uncached_ones()
    {
        var city = UniqueCity();
        using var anonymous = fixture.Anonymous();
        using var organizer = await fixture.AsAsync("organizer");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // Soonest is cheapest: e0 (10) ... e4 (50).
            ids.Add(await CreateAsync(organizer, Event(city, $"Paging {i}", price: 10m * (i + 1), inDays: 10 + i)));
        }

        for (var round = 0; round < 2; round++)
        {
            // The second round is served from the cache: the same answers.
            var first = await ListAsync(anonymous, $"city={city}&pageSize=2&page=1");
            Assert.Equal(5L, first.Total);
            Assert.Equal(ids[..2], first.Items.Select(i => i.GetProperty("id").GetString()!));
            Assert.Equal(ids[2..4], await IdsAsync(anonymous, $"city={city}&pageSize=2&page=2"));
            Assert.Equal(ids[4..], await IdsAsync(anonymous, $"city={city}&pageSize=2&page=3"));
            Assert.Empty(await IdsAsync(anonymous, $"city={city}&pageSize=2&page=4"));
            Assert.Equal([ids[4], ids[3]], await IdsAsync(anonymous, $"city={city}&pageSize=2&sort=-price"));
            Assert.Equal(ids[2..], await IdsAsync(anonymous, $"city={city}&minPrice=25"));
            Assert.Equal([ids[1], ids[0]], await IdsAsync(anonymous, $"city={city}&maxPrice=25&sort=-price"));
            Assert.Equal(ids, await IdsAsync(anonymous, $"city={city}&onlyAvailable=true"));
        }

        // A new, earliest event: the first page moves at once, and the count with it.
        var earliest = await CreateAsync(organizer, Event(city, "Paging first", price: 5m, inDays: 5));
        var moved = await ListAsync(anonymous, $"city={city}&pageSize=2&page=1");
        Assert.Equal(6L, moved.Total);
        Assert.Equal([earliest, ids[0]], moved.Items.Select(i => i.GetProperty("id").GetString()!));
        Assert.Equal([ids[1], ids[2]], await IdsAsync(anonymous, $"city={city}&pageSize=2&page=2"));
    }

    [Fact]
    public async Task Seats_on_list_items_and_details_are_never_older_than_the_availability_cache_duration()
    {
        var promised = new CatalogOptions().AvailabilityCacheDuration;
        var city = UniqueCity();
        using var anonymous = fixture.Anonymous();
        using var organizer = await fixture.AsAsync("organizer");
        using var service = await fixture.AsAsync("service");
        var id = await CreateAsync(organizer, Event(city, "Seats night", capacity: 10));

        // Fill the caches: the page (10 s) and the detail (30 s) stay cached through the rest of the test.
        Assert.Equal(10, (await ListAsync(anonymous, $"city={city}")).Items.Single().GetProperty("available").GetInt32());
        Assert.Equal(10, (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("available").GetInt32());

        var hold = new JsonObject { ["quantity"] = 4, ["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O") };
        Assert.Equal(HttpStatusCode.Created, (await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", hold, Ct)).StatusCode);
        var heldAt = DateTime.UtcNow;
        Assert.Equal(6, (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct)).GetProperty("available").GetInt32());

        // Any read that starts once the promised age has passed since the hold must show it (a small margin for clocks).
        while (true)
        {
            var startedAt = DateTime.UtcNow;
            var listed = (await ListAsync(anonymous, $"city={city}")).Items.Single().GetProperty("available").GetInt32();
            var detail = (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("available").GetInt32();
            if (listed == 6 && detail == 6)
            {
                break;
            }

            Assert.True(startedAt < heldAt + promised + TimeSpan.FromMilliseconds(250),
                $"{(startedAt - heldAt).TotalMilliseconds:0} ms after the hold: list shows {listed}, detail {detail} seats (promised: at most {promised.TotalMilliseconds:0} ms old)");
            await Task.Delay(50, Ct);
        }
    }
}
