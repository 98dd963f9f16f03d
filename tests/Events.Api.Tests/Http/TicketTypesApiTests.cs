using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Testing;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>Ticket types over real HTTP: the organizer's CRUD with its validation and authorization, and holds of several types.</summary>
public sealed class TicketTypesApiTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Guid> CreateEventAsync(int capacity = 20, bool publish = true)
    {
        using var client = await fixture.AsAsync("organizer");
        var body = new JsonObject
        {
            ["title"] = $"Typed night {Guid.NewGuid():N}", ["description"] = "Types.", ["venue"] = "Hall", ["city"] = "Porto",
            ["startsAt"] = DateTimeOffset.UtcNow.AddDays(20).ToString("O"), ["endsAt"] = DateTimeOffset.UtcNow.AddDays(20).AddHours(2).ToString("O"),
            ["timeZone"] = "Europe/Lisbon", ["category"] = "music", ["capacity"] = capacity, ["price"] = 30m, ["currency"] = "EUR",
        };
        var created = await client.CreateEventAsync(body, RetryPolicy.Never, Ct);
        var id = created.GetProperty("id").GetGuid();
        if (publish)
        {
            await client.PublishAsync(id, RetryPolicy.Never, Ct);
        }

        return id;
    }

    private static JsonObject Type(string name = "VIP", decimal price = 80m, int? capacity = 5, string? visibility = null) => new()
    {
        ["name"] = name, ["price"] = price, ["capacity"] = capacity, ["maxPerOrder"] = 4, ["visibility"] = visibility,
    };

    private static async Task AssertCreatedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {text}");
    }

    private static JsonObject Hold(params (Guid Type, int Quantity)[] lines) => new()
    {
        ["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O"),
        ["lines"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject { ["ticketTypeId"] = l.Type, ["quantity"] = l.Quantity })]),
    };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }

    [Fact]
    public async Task The_organizer_adds_edits_and_removes_types_and_everyone_sees_the_public_ones()
    {
        var id = await CreateEventAsync();
        using var organizer = await fixture.AsAsync("organizer");
        using var anonymous = fixture.Anonymous();
        var standard = Assert.Single((await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}/ticket-types", Ct)).EnumerateArray());
        Assert.Equal(("Standard", 30m, 20, true), (standard.GetProperty("name").GetString(), standard.GetProperty("price").GetDecimal(),
            standard.GetProperty("available").GetInt32(), standard.GetProperty("onSale").GetBoolean()));

        var vipAnswer = await organizer.PostAsJsonAsync($"/api/events/{id}/ticket-types", Type(), Ct);
        Assert.Equal(HttpStatusCode.Created, vipAnswer.StatusCode);
        var vip = (await vipAnswer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var early = await organizer.PostAsJsonAsync($"/api/events/{id}/ticket-types", Type("Early bird", 19.99m, capacity: null), Ct);
        Assert.Equal(HttpStatusCode.Created, early.StatusCode);
        var secret = await organizer.PostAsJsonAsync($"/api/events/{id}/ticket-types", Type("Friends", 5m, visibility: "Hidden"), Ct);
        Assert.Equal(HttpStatusCode.Created, secret.StatusCode);

        // The public list leaves the hidden type out; the organizer sees it, with held and sold.
        var seen = (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}/ticket-types", Ct)).EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Standard", "VIP", "Early bird"], seen);
        var all = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{id}/ticket-types", Ct);
        Assert.Equal(4, all.GetArrayLength());
        Assert.Equal(0, all[1].GetProperty("held").GetInt32());
        // The event shows its "from" price: the cheapest public type's (the hidden one does not count).
        Assert.Equal(19.99m, (await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("price").GetDecimal());

        var edited = await organizer.PutAsJsonAsync($"/api/events/{id}/ticket-types/{vip}", Type("VIP lounge", 90m, 6), Ct);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("VIP lounge", (await edited.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("name").GetString());

        // Seats of a type taken: it cannot shrink below them nor go; without them it goes.
        using var service = await fixture.AsAsync("service");
        var held = await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Hold((vip, 3)), Ct);
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        await AssertFieldErrorAsync(await organizer.PutAsJsonAsync($"/api/events/{id}/ticket-types/{vip}", Type(capacity: 2), Ct), "capacity");
        await ProblemAsync(await organizer.DeleteAsync($"/api/events/{id}/ticket-types/{vip}", Ct), HttpStatusCode.Conflict, "has-sales");
        var earlyId = (await early.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/events/{id}/ticket-types/{earlyId}", Ct)).StatusCode);
        await ProblemAsync(await organizer.DeleteAsync($"/api/events/{id}/ticket-types/{earlyId}", Ct), HttpStatusCode.NotFound, "ticket-type-not-found");
        Assert.Equal(30m, (await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("price").GetDecimal());

        var availability = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{id}/availability", Ct);
        Assert.Equal(17, availability.GetProperty("available").GetInt32());
        var vipSeats = availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("ticketTypeId").GetGuid() == vip);
        Assert.Equal(3, vipSeats.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Every_bad_field_is_named_and_changes_nothing()
    {
        var id = await CreateEventAsync(capacity: 20);
        using var organizer = await fixture.AsAsync("organizer");
        var url = $"/api/events/{id}/ticket-types";
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, Type(name: ""), Ct), "name");
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, Type(name: new string('x', 81)), Ct), "name");
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, Type(price: -1m), Ct), "price");
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, Type(price: 1.234m), Ct), "price");
        var dollars = Type();
        dollars["currency"] = "USD";
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, dollars, Ct), "currency");
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, Type(capacity: 21), Ct), "capacity");
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, Type(capacity: 0), Ct), "capacity");
        var window = Type();
        window["salesStart"] = DateTimeOffset.UtcNow.AddDays(2).ToString("O");
        window["salesEnd"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O");
        await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, window, Ct), "salesEnd");
        foreach (var max in new[] { 0, 21 })
        {
            var limit = Type();
            limit["maxPerOrder"] = max;
            await AssertFieldErrorAsync(await organizer.PostAsJsonAsync(url, limit, Ct), "maxPerOrder");
        }

        await AssertFieldErrorAsync(await organizer.PostAsync(url, new StringContent("{", System.Text.Encoding.UTF8, "application/json"), Ct), "body");
        await AssertFieldErrorAsync(await organizer.PutAsJsonAsync($"{url}/nope", Type(), Ct), "typeId");
        await ProblemAsync(await organizer.PutAsJsonAsync($"{url}/{Guid.CreateVersion7()}", Type(), Ct), HttpStatusCode.NotFound, "ticket-type-not-found");
        await ProblemAsync(await organizer.PostAsJsonAsync($"/api/events/{Guid.CreateVersion7()}/ticket-types", Type(), Ct), HttpStatusCode.NotFound, "event-not-found");

        var types = await organizer.GetFromJsonAsync<JsonElement>(url, Ct);
        var standard = Assert.Single(types.EnumerateArray()).GetProperty("id").GetGuid();
        await ProblemAsync(await organizer.DeleteAsync($"{url}/{standard}", Ct), HttpStatusCode.Conflict, "last-ticket-type");
    }

    [Fact]
    public async Task Only_the_events_organizer_or_an_admin_changes_its_types_and_drafts_stay_private()
    {
        var id = await CreateEventAsync(publish: false);
        var url = $"/api/events/{id}/ticket-types";
        using var other = await fixture.AsAsync("organizer-2");
        using var attendee = await fixture.AsAsync("attendee");
        using var anonymous = fixture.Anonymous();
        await ProblemAsync(await other.PostAsJsonAsync(url, Type(), Ct), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.PostAsJsonAsync(url, Type(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(url, Type(), Ct)).StatusCode);
        await ProblemAsync(await anonymous.GetAsync(url, Ct), HttpStatusCode.NotFound, "event-not-found");

        using var admin = await fixture.AsAsync("admin");
        var added = await admin.PostAsJsonAsync(url, Type(), Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var typeId = (await added.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        await ProblemAsync(await other.PutAsJsonAsync($"{url}/{typeId}", Type(price: 1m), Ct), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await other.DeleteAsync($"{url}/{typeId}", Ct), HttpStatusCode.Forbidden, "forbidden");
        using var organizer = await fixture.AsAsync("organizer");
        Assert.Equal(80m, (await organizer.GetFromJsonAsync<JsonElement>(url, Ct))[1].GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task The_hold_api_without_lines_still_serves_a_one_type_event_and_holds_carry_their_lines()
    {
        var id = await CreateEventAsync(capacity: 10);
        using var service = await fixture.AsAsync("service");
        using var organizer = await fixture.AsAsync("organizer");
        var legacy = new JsonObject { ["quantity"] = 2, ["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O") };
        var first = await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", legacy, Ct);
        await AssertCreatedAsync(first);
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((30m, "EUR", 60m), (answer.GetProperty("unitPrice").GetDecimal(), answer.GetProperty("currency").GetString(), answer.GetProperty("totalPrice").GetDecimal()));
        var line = Assert.Single(answer.GetProperty("lines").EnumerateArray());
        Assert.Equal(("Standard", 2, 30m), (line.GetProperty("name").GetString(), line.GetProperty("quantity").GetInt32(), line.GetProperty("unitPrice").GetDecimal()));
        var standard = line.GetProperty("ticketTypeId").GetGuid();

        var vipAnswer = await organizer.PostAsJsonAsync($"/api/events/{id}/ticket-types", Type(capacity: 2), Ct);
        var vip = (await vipAnswer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var secret = (await (await organizer.PostAsJsonAsync($"/api/events/{id}/ticket-types", Type("Friends", 1m, null, "Hidden"), Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        // Several types now: a hold must say which.
        await ProblemAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", legacy, Ct),
            HttpStatusCode.UnprocessableEntity, "ticket-type-required");
        var mixed = await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Hold((standard, 1), (vip, 2)), Ct);
        await AssertCreatedAsync(mixed);
        var mixedAnswer = await mixed.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((3, 190m), (mixedAnswer.GetProperty("quantity").GetInt32(), mixedAnswer.GetProperty("totalPrice").GetDecimal()));
        Assert.Equal(2, mixedAnswer.GetProperty("lines").GetArrayLength());
        await ProblemAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Hold((vip, 1)), Ct), HttpStatusCode.Conflict, "sold-out");
        await ProblemAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Hold((secret, 1)), Ct), HttpStatusCode.NotFound, "ticket-type-not-found");
        var unlocked = Hold((secret, 1));
        unlocked["unlockedTicketTypeIds"] = new JsonArray(secret);
        await AssertCreatedAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", unlocked, Ct));
        await ProblemAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", Hold((vip, 5)), Ct),
            HttpStatusCode.UnprocessableEntity, "over-order-limit");

        var badLines = Hold((standard, 1), (standard, 1));
        await AssertFieldErrorAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", badLines, Ct), "lines");
        var wrongSum = Hold((standard, 1));
        wrongSum["quantity"] = 2;
        await AssertFieldErrorAsync(await service.PutAsJsonAsync($"/internal/events/{id}/holds/{Guid.CreateVersion7()}", wrongSum, Ct), "quantity");

        // The reconciliation snapshot: per-type counters, and each active hold's lines, adding up.
        var inventory = await service.GetFromJsonAsync<JsonElement>($"/internal/events/{id}/inventory", Ct);
        Assert.Equal(6, inventory.GetProperty("held").GetInt32());
        foreach (var type in inventory.GetProperty("ticketTypes").EnumerateArray())
        {
            var typeId = type.GetProperty("ticketTypeId").GetGuid();
            var lines = inventory.GetProperty("holds").EnumerateArray().SelectMany(h => h.GetProperty("lines").EnumerateArray())
                .Where(l => l.GetProperty("ticketTypeId").GetGuid() == typeId).Sum(l => l.GetProperty("quantity").GetInt32());
            Assert.Equal(lines, type.GetProperty("held").GetInt32());
        }
    }
}
