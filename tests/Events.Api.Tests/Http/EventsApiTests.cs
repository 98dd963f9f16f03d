using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.AppHost;
using EventBooking.Testing;
using Npgsql;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>events-api over real HTTP with users-api tokens: catalog, authorization, validation, inventory.</summary>
public sealed class EventsApiTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject ValidEvent(string? title = null, int capacity = 50) => new()
    {
        ["title"] = title ?? $"Test night {Guid.NewGuid():N}",
        ["description"] = "A test event.",
        ["venue"] = "Test Hall",
        ["city"] = "Porto",
        ["startsAt"] = DateTimeOffset.UtcNow.AddDays(20).ToString("O"),
        ["endsAt"] = DateTimeOffset.UtcNow.AddDays(20).AddHours(2).ToString("O"),
        ["timeZone"] = "Europe/Lisbon",
        ["category"] = "music",
        ["capacity"] = capacity,
        ["price"] = 30.5m,
        ["currency"] = "EUR",
    };

    private async Task<JsonElement> CreatePublishedAsync(string organizer = "organizer", int capacity = 50, bool publish = true)
    {
        using var client = await fixture.AsAsync(organizer);
        var created = await client.CreateEventAsync(ValidEvent(capacity: capacity), RetryPolicy.Never, Ct);
        return publish ? await client.PublishAsync(created.GetProperty("id").GetGuid(), RetryPolicy.Never, Ct) : created;
    }

    private static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {text}");
    }

    /// <summary>A ProblemDetails of the shared vocabulary: <c>code</c>, and <c>type</c> = the base URI + the code.</summary>
    private static async Task AssertProblemCodeAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(Problems.TypeBase + code, problem.GetProperty("type").GetString());
    }

    private static JsonObject Put(int quantity, TimeSpan? expiresIn = null) => new()
    {
        ["quantity"] = quantity,
        ["expiresAt"] = DateTimeOffset.UtcNow.Add(expiresIn ?? TimeSpan.FromMinutes(10)).ToString("O"),
    };

    [Fact]
    public async Task Demo_events_are_published_and_searchable()
    {
        using var client = fixture.Anonymous();
        var page = await client.GetFromJsonAsync<JsonElement>("/api/events?pageSize=100", Ct);
        Assert.True(page.GetProperty("totalCount").GetInt64() >= 8);
        var categories = await client.GetFromJsonAsync<JsonElement>("/api/categories", Ct);
        Assert.Contains(categories.EnumerateArray(), c => c.GetProperty("id").GetString() == "music");
        var opera = await client.GetFromJsonAsync<JsonElement>("/api/events?q=jazz&category=music&sort=relevance", Ct);
        Assert.Contains(opera.GetProperty("items").EnumerateArray(), e => e.GetProperty("title").GetString()!.Contains("Jazz", StringComparison.Ordinal));

        // The OpenAPI documents (Development) describe every surface: the public one for clients, the internal one for services.
        var publicApi = await client.GetStringAsync("/openapi/public.json", Ct);
        var internalApi = await client.GetStringAsync("/openapi/internal.json", Ct);
        Assert.Contains("/internal/events/{eventId}/holds/{holdId}", internalApi, StringComparison.Ordinal);
        Assert.DoesNotContain("/internal/", publicApi, StringComparison.Ordinal);
        Assert.Contains("/api/events/{id}/reviews", publicApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Organizer_creates_publishes_edits_and_the_change_is_visible_at_once()
    {
        var created = await CreatePublishedAsync(publish: false);
        var id = created.GetProperty("id").GetString();
        Assert.Equal("Draft", created.GetProperty("status").GetString());
        Assert.Equal(DemoGuid(DemoData.OrganizerId), created.GetProperty("organizerId").GetString());

        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/events/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/events/{id}/availability", Ct)).StatusCode);

        using var organizer = await fixture.AsAsync("organizer");
        // The organizer's list is latest start first and the suite's other classes add events of theirs: look through every page.
        var listed = false;
        for (var page = 1; !listed; page++)
        {
            var mine = (await organizer.GetFromJsonAsync<JsonElement>($"/api/organizers/me/events?page={page}&pageSize=100", Ct)).GetProperty("items");
            Assert.True(mine.GetArrayLength() > 0, "the draft is in the organizer's list");
            listed = mine.EnumerateArray().Any(e => e.GetProperty("id").GetString() == id);
        }

        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsync($"/api/events/{id}/publish", null, Ct)).StatusCode);
        // Cached for the public: read it once so a stale copy would be served if invalidation failed.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/events/{id}", Ct)).StatusCode);

        var edit = ValidEvent(title: "Renamed by the organizer");
        var updated = await organizer.PutAsJsonAsync($"/api/events/{id}", edit, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Renamed by the organizer", (await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("title").GetString());
        Assert.Equal("Renamed by the organizer", (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("title").GetString());

        // A date change of a published event goes to the outbox as event.updated.
        var types = await OutboxTypesAsync(id!);
        Assert.Contains("event.updated", types);
    }

    [Fact]
    public async Task Cancelling_writes_event_cancelled_to_the_outbox_and_stops_sales()
    {
        var e = await CreatePublishedAsync();
        var id = e.GetProperty("id").GetString();
        using var organizer = await fixture.AsAsync("organizer");
        var cancelled = await organizer.PostAsJsonAsync($"/api/events/{id}/cancel", new { reason = "Storm warning" }, Ct);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Contains("event.cancelled", await OutboxTypesAsync(id!));

        using var service = await fixture.AsAsync("service");
        var hold = await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Put(1), Ct);
        Assert.Equal(HttpStatusCode.Conflict, hold.StatusCode);
        await AssertProblemCodeAsync(hold, "not-on-sale");
    }

    [Fact]
    public async Task Organizer_b_cannot_change_organizer_a_event_but_an_admin_can()
    {
        var e = await CreatePublishedAsync();
        var id = e.GetProperty("id").GetString();
        using var other = await fixture.AsAsync("organizer-2");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync($"/api/events/{id}", ValidEvent(title: "Hijacked"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/events/{id}/cancel", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/events/{id}/publish", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/events/{id}", Ct)).StatusCode);
        using var anonymous = fixture.Anonymous();
        var unchanged = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct);
        Assert.Equal(e.GetProperty("title").GetString(), unchanged.GetProperty("title").GetString());
        Assert.Equal("Published", unchanged.GetProperty("status").GetString());

        using var admin = await fixture.AsAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/events/{id}", ValidEvent(title: "Fixed by admin"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/events/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Attendees_and_anonymous_callers_cannot_create_events()
    {
        using var attendee = await fixture.AsAsync("attendee");
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.PostAsJsonAsync("/api/events", ValidEvent(), Ct)).StatusCode);
        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/events", ValidEvent(), Ct)).StatusCode);
        using var service = await fixture.AsAsync("service");
        Assert.Equal(HttpStatusCode.Forbidden, (await service.PostAsJsonAsync("/api/events", ValidEvent(), Ct)).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_field_errors_and_changes_nothing()
    {
        // An organizer of its own: other test classes create events as the demo organizer while this one runs (CI once
        // counted 12 events before and 13 after), so only an account nobody else uses can show that nothing changed.
        using var organizer = await fixture.AsAsync("organizer-bad-input");
        var before = (await organizer.GetFromJsonAsync<JsonElement>("/api/organizers/me/events", Ct)).GetProperty("totalCount").GetInt64();

        var endBeforeStart = ValidEvent();
        endBeforeStart["endsAt"] = DateTimeOffset.UtcNow.AddDays(19).ToString("O");
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", endBeforeStart, Ct), "endsAt");
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", ValidEvent(capacity: 0), Ct), "capacity");
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", ValidEvent(capacity: -5), Ct), "capacity");
        var unknownCategory = ValidEvent();
        unknownCategory["category"] = "knitting-rave";
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", unknownCategory, Ct), "category");
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", ValidEvent(title: new string('x', 201)), Ct), "title");
        var longDescription = ValidEvent();
        longDescription["description"] = new string('y', 5_001);
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", longDescription, Ct), "description");
        // A body past the 64 KB limit is refused before it is read.
        longDescription["description"] = new string('y', 100_000);
        using (var tooLarge = await organizer.PostAsJsonAsync("/api/events", longDescription, Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        }
        var badCurrency = ValidEvent();
        badCurrency["currency"] = "EURO";
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", badCurrency, Ct), "currency");
        var massAssignment = ValidEvent();
        massAssignment["status"] = "Published";
        massAssignment["organizerId"] = Guid.CreateVersion7();
        massAssignment["currency"] = "XYZ";
        await AssertValidationProblemAsync(await organizer.PostAsJsonAsync("/api/events", massAssignment, Ct), "currency");

        var malformed = await organizer.PostAsync("/api/events", new StringContent("{\"title\": ", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        var wrongType = await organizer.PostAsync("/api/events", new StringContent("{\"capacity\": \"lots\"}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);

        await AssertValidationProblemAsync(await organizer.PutAsJsonAsync("/api/events/not-a-guid", ValidEvent(), Ct), "id");
        using var anonymous = fixture.Anonymous();
        await AssertValidationProblemAsync(await anonymous.GetAsync("/api/events/12345", Ct), "id");
        await AssertValidationProblemAsync(await anonymous.GetAsync("/api/events?pageSize=1000", Ct), "pageSize");

        Assert.Equal(before, (await organizer.GetFromJsonAsync<JsonElement>("/api/organizers/me/events", Ct)).GetProperty("totalCount").GetInt64());
    }

    [Fact]
    public async Task Capacity_below_sold_seats_is_a_field_error_and_changes_nothing()
    {
        var e = await CreatePublishedAsync(capacity: 10);
        var id = e.GetProperty("id").GetString();
        using var service = await fixture.AsAsync("service");
        var holdId = Guid.CreateVersion7();
        Assert.Equal(HttpStatusCode.Created, (await service.PutAsJsonAsync($"/internal/events/{id}/holds/{holdId}", Put(6), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{id}/holds/{holdId}/confirm", null, Ct)).StatusCode);

        using var organizer = await fixture.AsAsync("organizer");
        var shrink = ValidEvent(capacity: 5);
        shrink["title"] = e.GetProperty("title").GetString();
        shrink["startsAt"] = e.GetProperty("startsAt").GetString();
        shrink["endsAt"] = e.GetProperty("endsAt").GetString();
        await AssertValidationProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{id}", shrink, Ct), "capacity");
        var availability = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct);
        Assert.Equal(10, availability.GetProperty("capacity").GetInt32());
        Assert.Equal(6, availability.GetProperty("sold").GetInt32());

        var deleted = await organizer.DeleteAsync($"/api/events/{id}", Ct);
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        await AssertProblemCodeAsync(deleted, "has-sales");
    }

    [Fact]
    public async Task Inventory_snapshot_is_for_service_identities_and_shows_counters_and_active_holds()
    {
        var e = await CreatePublishedAsync(capacity: 8);
        var id = e.GetProperty("id").GetString();
        using var service = await fixture.AsAsync("service");
        var sold = Guid.CreateVersion7();
        var held = Guid.CreateVersion7();
        Assert.Equal(HttpStatusCode.Created, (await service.PutAsJsonAsync($"/internal/events/{id}/holds/{sold}", Put(3), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{id}/holds/{sold}/confirm", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await service.PutAsJsonAsync($"/internal/events/{id}/holds/{held}", Put(2), Ct)).StatusCode);

        var inventory = await service.GetFromJsonAsync<JsonElement>($"/internal/events/{id}/inventory", Ct);
        Assert.Equal(8, inventory.GetProperty("capacity").GetInt32());
        Assert.Equal(3, inventory.GetProperty("sold").GetInt32());
        Assert.Equal(2, inventory.GetProperty("held").GetInt32());
        Assert.Equal(3, inventory.GetProperty("available").GetInt32());
        var holds = inventory.GetProperty("holds").EnumerateArray()
            .ToDictionary(h => h.GetProperty("holdId").GetGuid(), h => (Quantity: h.GetProperty("quantity").GetInt32(), Status: h.GetProperty("status").GetString()));
        Assert.Equal((3, "Confirmed"), holds[sold]);
        Assert.Equal((2, "Held"), holds[held]);
        Assert.Equal(2, holds.Count);

        Assert.Equal(HttpStatusCode.NotFound, (await service.GetAsync($"/internal/events/{Guid.CreateVersion7()}/inventory", Ct)).StatusCode);
        await AssertValidationProblemAsync(await service.GetAsync("/internal/events/nope/inventory", Ct), "eventId");
        foreach (var who in new[] { "attendee", "organizer", "admin" })
        {
            using var client = await fixture.AsAsync(who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/internal/events/{id}/inventory", Ct)).StatusCode);
        }

        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/internal/events/{id}/inventory", Ct)).StatusCode);
    }

    [Fact]
    public async Task End_user_tokens_cannot_place_confirm_or_release_holds()
    {
        var e = await CreatePublishedAsync(capacity: 5);
        var id = e.GetProperty("id").GetString();
        var holdId = Guid.CreateVersion7();
        foreach (var who in new[] { "attendee", "organizer", "admin" })
        {
            using var client = await fixture.AsAsync(who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/internal/events/{id}/holds/{holdId}", Put(1), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/internal/events/{id}/holds/{holdId}/confirm", null, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/internal/events/{id}/holds/{holdId}", Ct)).StatusCode);
        }

        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync($"/internal/events/{id}/holds/{holdId}", Put(1), Ct)).StatusCode);
        var availability = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct);
        Assert.Equal(5, availability.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Holds_placed_and_confirmed_at_once_each_answer_their_event_as_the_statement_read_it()
    {
        // Concurrent holds on one event are coalesced into batches; each answer carries the event's price, title, start and
        // organizer, read by the statement that took the seats (lone and batched paths alike), not by a second read.
        var e = await CreatePublishedAsync(capacity: 40);
        var id = e.GetProperty("id").GetString();
        using var service = await fixture.AsAsync("service");
        var holdIds = Enumerable.Range(0, 24).Select(_ => Guid.CreateVersion7()).ToArray();

        var placed = await Task.WhenAll(holdIds.Select(h => service.PutAsJsonAsync($"/internal/events/{id}/holds/{h}", Put(1), Ct)));
        var confirmed = await Task.WhenAll(holdIds.Select(h => service.PostAsync($"/internal/events/{id}/holds/{h}/confirm", null, Ct)));

        foreach (var (response, status) in placed.Select(r => (r, HttpStatusCode.Created)).Concat(confirmed.Select(r => (r, HttpStatusCode.OK))))
        {
            Assert.Equal(status, response.StatusCode);
            var hold = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(30.5m, hold.GetProperty("unitPrice").GetDecimal());
            Assert.Equal("EUR", hold.GetProperty("currency").GetString());
            Assert.Equal(e.GetProperty("title").GetString(), hold.GetProperty("eventTitle").GetString());
            Assert.Equal(e.GetProperty("startsAt").GetDateTimeOffset(), hold.GetProperty("eventStartsAt").GetDateTimeOffset());
            Assert.Equal(e.GetProperty("organizerId").GetGuid(), hold.GetProperty("organizerId").GetGuid());
        }

        var availability = await service.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct);
        Assert.Equal(16, availability.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Hold_life_cycle_over_http_follows_the_contract()
    {
        var e = await CreatePublishedAsync(capacity: 3);
        var id = e.GetProperty("id").GetString();
        using var service = await fixture.AsAsync("service");
        var holdId = Guid.CreateVersion7();
        var body = Put(2);
        var first = await service.PutAsJsonAsync($"/internal/events/{id}/holds/{holdId}", body, Ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var hold = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(30.5m, hold.GetProperty("unitPrice").GetDecimal());
        Assert.Equal("EUR", hold.GetProperty("currency").GetString());
        Assert.Equal("Held", hold.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await service.PutAsJsonAsync($"/internal/events/{id}/holds/{holdId}", body, Ct)).StatusCode);

        var soldOut = await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Put(2), Ct);
        Assert.Equal(HttpStatusCode.Conflict, soldOut.StatusCode);
        await AssertProblemCodeAsync(soldOut, "sold-out");

        await AssertValidationProblemAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Put(0), Ct), "quantity");
        await AssertValidationProblemAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Put(1, TimeSpan.FromMinutes(-1)), Ct), "expiresAt");
        await AssertValidationProblemAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/nope", Put(1), Ct), "holdId");
        Assert.Equal(HttpStatusCode.NotFound, (await service.PutAsJsonAsync($"/internal/events/{Guid.CreateVersion7()}/holds/{Guid.CreateVersion7()}", Put(1), Ct)).StatusCode);

        var confirmed = await service.PostAsync($"/internal/events/{id}/holds/{holdId}/confirm", null, Ct);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("Confirmed", (await confirmed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{id}/holds/{holdId}/confirm", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.PostAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}/confirm", null, Ct)).StatusCode);

        var info = await service.GetFromJsonAsync<JsonElement>($"/internal/events/{id}", Ct);
        Assert.Equal(3, info.GetProperty("capacity").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await service.DeleteAsync($"/internal/events/{id}/holds/{holdId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await service.DeleteAsync($"/internal/events/{id}/holds/{holdId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await service.DeleteAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Ct)).StatusCode);
        var availability = await service.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct);
        Assert.Equal(3, availability.GetProperty("available").GetInt32());
        Assert.Equal(0, availability.GetProperty("sold").GetInt32());
    }

    [Fact]
    public async Task Two_hundred_concurrent_http_holds_for_fifty_seats_hold_exactly_fifty()
    {
        var e = await CreatePublishedAsync(capacity: 50);
        var id = e.GetProperty("id").GetString();
        using var service = await fixture.AsAsync("service");
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Put(1), Ct)));
        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(150, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var availability = await service.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct);
        Assert.Equal(0, availability.GetProperty("available").GetInt32());
        Assert.Equal(50, availability.GetProperty("held").GetInt32());
    }

    [Fact]
    public async Task The_sweeper_returns_the_seats_of_expired_holds()
    {
        var e = await CreatePublishedAsync(capacity: 4);
        var id = e.GetProperty("id").GetString();
        using var service = await fixture.AsAsync("service");
        var holdId = Guid.CreateVersion7();
        Assert.Equal(HttpStatusCode.Created, (await service.PutAsJsonAsync($"/internal/events/{id}/holds/{holdId}", Put(4, TimeSpan.FromSeconds(1)), Ct)).StatusCode);
        await EventBooking.Testing.Poll.UntilAsync(async () =>
            (await service.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct)).GetProperty("available").GetInt32() == 4,
            TimeSpan.FromSeconds(20), "the expired hold's seats come back", Ct);
        // Seats remain, so the late confirmation re-acquires them.
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/internal/events/{id}/holds/{holdId}/confirm", null, Ct)).StatusCode);
        var availability = await service.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct);
        Assert.Equal(4, availability.GetProperty("sold").GetInt32());
    }

    [Fact]
    public async Task Reviews_need_a_started_event_and_a_confirmed_booking()
    {
        var e = await CreatePublishedAsync();
        var id = e.GetProperty("id").GetString();
        using var attendee = await fixture.AsAsync("attendee");
        var early = await attendee.PostAsJsonAsync($"/api/events/{id}/reviews", new { rating = 5, text = "Can't wait" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        await AssertProblemCodeAsync(early, "not-eligible");
        await AssertValidationProblemAsync(await attendee.PostAsJsonAsync($"/api/events/{id}/reviews", new { rating = 6, text = "Too good" }, Ct), "rating");
        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/events/{id}/reviews", new { rating = 5, text = "x" }, Ct)).StatusCode);
        var reviews = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}/reviews", Ct);
        Assert.Equal(0, reviews.GetProperty("totalCount").GetInt64());
        var summary = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}/reviews/summary", Ct);
        Assert.Equal(0, summary.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("averageRating").ValueKind);
        await AssertValidationProblemAsync(await anonymous.GetAsync("/api/users/not-a-user/reviews", Ct), "userId");
    }

    private async Task<List<string>> OutboxTypesAsync(string eventId)
    {
        await using var connection = new NpgsqlConnection(await fixture.System.ConnectionStringAsync(ResourceNames.EventsDb, Ct));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT type FROM outbox_messages WHERE data->>'eventId' = $1", connection)
        {
            Parameters = { new() { Value = eventId } },
        };
        var types = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            types.Add(reader.GetString(0));
        }

        return types;
    }

    private static string DemoGuid(Guid id) => id.ToString();
}
