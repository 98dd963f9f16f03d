using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Testing;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>
/// Reserved seating over real HTTP (users-api, events-api, PostgreSQL): venue plans built by generating areas and editing seats,
/// imported and exported as JSON, refused by field when broken (changing nothing), kept to their organizer; an event put on a plan
/// (its seats copied, its ticket types one per category and standing area), its seat map and availability, blocked seats, and the
/// refusals (another's plan or event, a plan in use, an event with sales, seats a hold has).
/// </summary>
public sealed class SeatingApiTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static JsonObject Categories(string name = "Harbour Hall") => new()
    {
        ["name"] = name,
        ["categories"] = new JsonArray(
            new JsonObject { ["key"] = "stalls-a", ["name"] = "Stalls A", ["color"] = "#b22222" },
            new JsonObject { ["key"] = "stalls-b", ["name"] = "Stalls B" }),
    };

    private static JsonObject Area(string id, int rows, int perRow, string layout = "Straight", string category = "stalls-a", double originY = 0) => new()
    {
        ["id"] = id, ["name"] = id.ToUpperInvariant(), ["rows"] = rows, ["seatsPerRow"] = perRow, ["layout"] = layout, ["category"] = category,
        ["originY"] = originY,
    };

    private static JsonObject Standing(string id, int capacity) => new() { ["id"] = id, ["name"] = "Standing", ["kind"] = "GeneralAdmission", ["capacity"] = capacity };

    private static async Task<JsonElement> CreatePlanAsync(HttpClient organizer, JsonObject? document = null) =>
        await (await organizer.PostAsJsonAsync("/api/venue-plans", document ?? Categories(), Ct)).ReadJsonAsync(HttpStatusCode.Created, Ct);

    private static async Task<JsonElement> AddAreaAsync(HttpClient organizer, Guid planId, JsonObject area) =>
        await (await organizer.PostAsJsonAsync($"/api/venue-plans/{planId}/areas", area, Ct)).ReadJsonAsync(HttpStatusCode.OK, Ct);

    /// <summary>A plan of the organizer: stalls 2 × 5 (stalls-a; row B seats 4 and 5 stalls-b) and a standing pit of 20; its id.</summary>
    internal static async Task<Guid> SmallPlanAsync(HttpClient organizer)
    {
        var planId = (await CreatePlanAsync(organizer)).GetProperty("id").GetGuid();
        await AddAreaAsync(organizer, planId, Area("stalls", 2, 5));
        await AddAreaAsync(organizer, planId, Standing("pit", 20));
        var edited = await organizer.PatchAsJsonAsync($"/api/venue-plans/{planId}/seats", new
        {
            edits = new object[] { new { seatId = "stalls-B-4", category = "stalls-b" }, new { seatId = "stalls-B-5", category = "stalls-b" } },
        }, Ct);
        await edited.ReadJsonAsync(HttpStatusCode.OK, Ct);
        return planId;
    }

    private static object Prices(params object[] prices) => prices;

    internal static async Task<JsonElement> SeatAsync(HttpClient organizer, Guid eventId, Guid planId) =>
        await (await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new
        {
            planId,
            prices = Prices(new { category = "stalls-a", price = 60m }, new { category = "stalls-b", price = 35.5m, name = "Side view" },
                new { area = "pit", price = 20m }),
        }, Ct)).ReadJsonAsync(HttpStatusCode.OK, Ct);

    internal static JsonElement Seats(JsonElement planOrMap, string area) =>
        planOrMap.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("id").GetString() == area).GetProperty("seats");

    [Fact]
    public async Task A_plan_is_built_from_generated_areas_and_seat_edits_and_exports_as_it_imports()
    {
        using var organizer = await fixture.AsAsync("organizer-plans-build");
        var created = await CreatePlanAsync(organizer);
        var planId = created.GetProperty("id").GetGuid();
        Assert.Equal((1, 0), (created.GetProperty("version").GetInt32(), created.GetProperty("seatCount").GetInt32()));

        // Curved stalls: the centre of the front row at the front, the ends bending towards the stage; the seats keep their spacing.
        var plan = (await AddAreaAsync(organizer, planId, Area("stalls", 4, 9, "Curved"))).GetProperty("plan");
        var front = Seats(plan, "stalls").EnumerateArray().Where(s => s.GetProperty("row").GetString() == "A").ToList();
        Assert.Equal(9, front.Count);
        Assert.Equal(0d, front[4].GetProperty("y").GetDouble());
        Assert.True(front[0].GetProperty("y").GetDouble() < 0 && front[8].GetProperty("y").GetDouble() < 0, "the row's ends bend towards the stage");
        Assert.Equal(front[0].GetProperty("y").GetDouble(), front[8].GetProperty("y").GetDouble(), 2);

        // A staggered balcony behind it: every second row shifted by half a seat; its ranks after the stalls'.
        plan = (await AddAreaAsync(organizer, planId, Area("balcony", 3, 4, "Staggered", "stalls-b", originY: 100))).GetProperty("plan");
        var balcony = Seats(plan, "balcony").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.Equal((0d, 100d), (balcony["balcony-A-1"].GetProperty("x").GetDouble(), balcony["balcony-A-1"].GetProperty("y").GetDouble()));
        Assert.Equal((5d, 112d), (balcony["balcony-B-1"].GetProperty("x").GetDouble(), balcony["balcony-B-1"].GetProperty("y").GetDouble()));
        Assert.All(balcony.Values, s => Assert.True(s.GetProperty("rank").GetInt32() > 36));
        var withPit = await AddAreaAsync(organizer, planId, Standing("pit", 150));
        Assert.Equal((4, 48), (withPit.GetProperty("version").GetInt32(), withPit.GetProperty("seatCount").GetInt32()));

        // Single seats: a gap, a wheelchair space with its companion, a renumbered seat, another category and rank.
        var edited = await (await organizer.PatchAsJsonAsync($"/api/venue-plans/{planId}/seats", new
        {
            edits = new object[]
            {
                new { seatId = "stalls-A-1", present = false },
                new { seatId = "stalls-D-1", wheelchair = true },
                new { seatId = "stalls-D-2", companion = true, restrictedView = true },
                new { seatId = "stalls-D-9", number = "90", category = "stalls-b", rank = 500 },
            },
        }, Ct)).ReadJsonAsync(HttpStatusCode.OK, Ct);
        var seats = Seats(edited.GetProperty("plan"), "stalls").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        Assert.False(seats["stalls-A-1"].GetProperty("present").GetBoolean());
        Assert.True(seats["stalls-D-1"].GetProperty("wheelchair").GetBoolean());
        Assert.True(seats["stalls-D-2"].GetProperty("companion").GetBoolean() && seats["stalls-D-2"].GetProperty("restrictedView").GetBoolean());
        Assert.Equal(("90", "stalls-b", 500), (seats["stalls-D-9"].GetProperty("number").GetString(), seats["stalls-D-9"].GetProperty("category").GetString(),
            seats["stalls-D-9"].GetProperty("rank").GetInt32()));

        // Export, import as a new plan, export again: the same document.
        var exported = await organizer.GetStringAsync($"/api/venue-plans/{planId}/export", Ct);
        var copy = await (await organizer.PostAsync("/api/venue-plans", new StringContent(exported, System.Text.Encoding.UTF8, "application/json"), Ct))
            .ReadJsonAsync(HttpStatusCode.Created, Ct);
        var reexported = await organizer.GetStringAsync($"/api/venue-plans/{copy.GetProperty("id").GetGuid()}/export", Ct);
        Assert.Equal(exported, reexported);
        Assert.Contains("\"kind\":\"GeneralAdmission\"", exported, StringComparison.Ordinal);

        // Replacing by import (the export of the copy, renamed) takes the new content.
        var renamed = JsonNode.Parse(exported)!.AsObject();
        renamed["name"] = "Harbour Hall (summer)";
        var replaced = await (await organizer.PutAsJsonAsync($"/api/venue-plans/{planId}", renamed, Ct)).ReadJsonAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(("Harbour Hall (summer)", 6), (replaced.GetProperty("name").GetString(), replaced.GetProperty("version").GetInt32()));

        // My plans: both of mine, none of another organizer's.
        var mine = await organizer.GetFromJsonAsync<JsonElement>("/api/venue-plans", Ct);
        Assert.Equal(2, mine.GetProperty("totalCount").GetInt64());
        using var other = await fixture.AsAsync("organizer-plans-other");
        await CreatePlanAsync(other);
        mine = await organizer.GetFromJsonAsync<JsonElement>("/api/venue-plans", Ct);
        Assert.Equal(2, mine.GetProperty("totalCount").GetInt64());
        Assert.All(mine.GetProperty("items").EnumerateArray(), p => Assert.Equal(48, p.GetProperty("seatCount").GetInt32()));
    }

    [Fact]
    public async Task A_bad_import_or_edit_is_refused_by_field_and_changes_nothing()
    {
        using var organizer = await fixture.AsAsync("organizer-plans-bad");
        var planId = await SmallPlanAsync(organizer);
        var before = await organizer.GetStringAsync($"/api/venue-plans/{planId}", Ct);

        var broken = Categories();
        broken["areas"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "stalls", ["name"] = "Stalls", ["kind"] = "Reserved",
                ["seats"] = new JsonArray(
                    Seat("s-1", "A", "1"), Seat("s-1", "A", "2"), Seat("s-3", "A", "2"), Seat("s-4", "A", "4", category: "gold")),
            },
            new JsonObject { ["id"] = "pit", ["name"] = "Pit", ["kind"] = "GeneralAdmission", ["capacity"] = -10 });
        var problem = await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/venue-plans/{planId}", broken, Ct), HttpStatusCode.BadRequest, "validation");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["areas[0].seats[1].id", "areas[0].seats[2].number", "areas[0].seats[3].category", "areas[1].capacity"], fields);

        // Too many seats: refused whole.
        var huge = Categories();
        huge["areas"] = new JsonArray(new JsonObject
        {
            ["id"] = "stalls", ["name"] = "Stalls", ["kind"] = "Reserved",
            ["seats"] = new JsonArray([.. Enumerable.Range(0, 20_001).Select(i => (JsonNode)Seat($"s{i}", "A", $"{i}"))]),
        });
        problem = await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/venue-plans/{planId}", huge, Ct), HttpStatusCode.BadRequest, "validation");
        Assert.Contains("20000", problem.GetProperty("errors").GetProperty("areas")[0].GetString(), StringComparison.Ordinal);

        // Bad edits and a bad area: refused by field.
        problem = await AssertProblemAsync(await organizer.PatchAsJsonAsync($"/api/venue-plans/{planId}/seats", new
        {
            edits = new object[] { new { seatId = "stalls-A-1", present = false }, new { seatId = "stalls-A-2", number = "3" }, new { seatId = "nope" } },
        }, Ct), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(["edits[1].number", "edits[2].seatId"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        problem = await AssertProblemAsync(await organizer.PostAsJsonAsync($"/api/venue-plans/{planId}/areas", Area("stalls", 0, 5, "Spiral", "gold"), Ct),
            HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _) && problem.GetProperty("errors").TryGetProperty("rows", out _)
            && problem.GetProperty("errors").TryGetProperty("category", out _), problem.ToString());
        await AssertProblemAsync(await organizer.PostAsJsonAsync("/api/venue-plans", new { categories = Array.Empty<object>() }, Ct), HttpStatusCode.BadRequest, "validation");

        Assert.Equal(before, await organizer.GetStringAsync($"/api/venue-plans/{planId}", Ct));
    }

    private static JsonObject Seat(string id, string row, string number, string category = "stalls-a") => new()
    {
        ["id"] = id, ["row"] = row, ["number"] = number, ["x"] = 0, ["y"] = 0, ["category"] = category, ["rank"] = 1,
    };

    [Fact]
    public async Task A_plan_is_its_organizers_and_admins_only()
    {
        using var organizer = await fixture.AsAsync("organizer-plans-owner");
        var planId = (await CreatePlanAsync(organizer)).GetProperty("id").GetGuid();
        using var stranger = await fixture.AsAsync("organizer-plans-stranger");
        await AssertProblemAsync(await stranger.GetAsync($"/api/venue-plans/{planId}", Ct), HttpStatusCode.NotFound, "venue-plan-not-found");
        await AssertProblemAsync(await stranger.GetAsync($"/api/venue-plans/{planId}/export", Ct), HttpStatusCode.NotFound, "venue-plan-not-found");
        await AssertProblemAsync(await stranger.PutAsJsonAsync($"/api/venue-plans/{planId}", Categories("Mine now"), Ct), HttpStatusCode.NotFound,
            "venue-plan-not-found");
        await AssertProblemAsync(await stranger.PostAsJsonAsync($"/api/venue-plans/{planId}/areas", Area("x", 1, 1), Ct), HttpStatusCode.NotFound,
            "venue-plan-not-found");
        await AssertProblemAsync(await stranger.DeleteAsync($"/api/venue-plans/{planId}", Ct), HttpStatusCode.NotFound, "venue-plan-not-found");
        using var attendee = await fixture.AsAsync("attendee-plans");
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.GetAsync($"/api/venue-plans/{planId}", Ct)).StatusCode);
        using var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/venue-plans", Ct)).StatusCode);

        // Nothing changed; an admin sees it; its organizer removes it.
        using var admin = await fixture.AsAsync("admin");
        var seen = await admin.GetFromJsonAsync<JsonElement>($"/api/venue-plans/{planId}", Ct);
        Assert.Equal(("Harbour Hall", 1), (seen.GetProperty("name").GetString(), seen.GetProperty("version").GetInt32()));
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/venue-plans/{planId}", Ct)).StatusCode);
        await AssertProblemAsync(await organizer.GetAsync($"/api/venue-plans/{planId}", Ct), HttpStatusCode.NotFound, "venue-plan-not-found");
    }

    [Fact]
    public async Task An_event_on_a_plan_has_its_own_seats_and_one_ticket_type_per_category_and_standing_area()
    {
        using var organizer = await fixture.AsAsync("organizer");
        var planId = await SmallPlanAsync(organizer);
        var created = new NewEvent { Capacity = 7 };
        var eventId = await fixture.CreatePublishedEventAsync(created);

        var map = await SeatAsync(organizer, eventId, planId);
        Assert.Equal(planId, map.GetProperty("planId").GetGuid());
        var categories = map.GetProperty("categories").EnumerateArray().ToList();
        Assert.Equal([("stalls-a", 60m), ("stalls-b", 35.5m)], categories.Select(c => (c.GetProperty("key").GetString()!, c.GetProperty("price").GetDecimal())));
        var stalls = Seats(map, "stalls");
        Assert.Equal(10, stalls.GetProperty("ids").GetArrayLength());
        var b4 = stalls.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList().IndexOf("stalls-B-4");
        Assert.Equal((30d, 12d, 1, true), (stalls.GetProperty("x")[b4].GetDouble(), stalls.GetProperty("y")[b4].GetDouble(),
            stalls.GetProperty("category")[b4].GetInt32(), stalls.GetProperty("available")[b4].GetBoolean()));
        var pit = map.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "pit");
        Assert.Equal(("GeneralAdmission", 20m, 20, 20), (pit.GetProperty("kind").GetString(), pit.GetProperty("price").GetDecimal(),
            pit.GetProperty("capacity").GetInt32(), pit.GetProperty("available").GetInt32()));

        // The ticket types are exactly the plan's: 8 + 2 seats and 20 standing; the event's capacity their sum; its price the cheapest.
        var types = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/ticket-types", Ct);
        Assert.Equal([("Side view", 35.5m, 2), ("Stalls A", 60m, 8), ("Standing", 20m, 20)], types.EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("price").GetDecimal(), t.GetProperty("capacity").GetInt32()))
            .Order());
        Assert.Equal((30, 30, 0, 0), await AvailabilityAsync(eventId));
        var details = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}", Ct);
        Assert.Equal((30, 20m), (details.GetProperty("capacity").GetInt32(), details.GetProperty("price").GetDecimal()));

        // Anyone reads the map and which seats are gone (none yet).
        using var anonymous = fixture.Anonymous();
        var seen = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating", Ct);
        Assert.Equal(10, Seats(seen, "stalls").GetProperty("ids").GetArrayLength());
        var availability = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/availability", Ct);
        Assert.Equal(0, availability.GetProperty("unavailable").GetArrayLength());
        Assert.Equal(20, availability.GetProperty("areas").GetProperty("pit").GetInt32());

        // Later edits of the plan do not move the event's seats; the plan cannot be removed while the event is on it.
        await (await organizer.PatchAsJsonAsync($"/api/venue-plans/{planId}/seats", new { edits = new[] { new { seatId = "stalls-B-4", present = false } } }, Ct))
            .ReadJsonAsync(HttpStatusCode.OK, Ct);
        var reread = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating", Ct);
        Assert.Contains("stalls-B-4", Seats(reread, "stalls").GetProperty("ids").EnumerateArray().Select(i => i.GetString()));
        await AssertProblemAsync(await organizer.DeleteAsync($"/api/venue-plans/{planId}", Ct), HttpStatusCode.Conflict, "plan-in-use");

        // Put on the plan again (nothing sold yet), keeping the stalls type by id: its id stays, the others are replaced.
        var stallsType = types.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Stalls A").GetProperty("id").GetGuid();
        var again = await (await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new
        {
            planId,
            prices = Prices(new { category = "stalls-a", ticketTypeId = stallsType }, new { category = "stalls-b", price = 30m }, new { area = "pit", price = 15m }),
        }, Ct)).ReadJsonAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(stallsType, again.GetProperty("categories")[0].GetProperty("ticketTypeId").GetGuid());
        Assert.Equal(9, Seats(again, "stalls").GetProperty("ids").GetArrayLength());
        Assert.Equal((29, 29, 0, 0), await AvailabilityAsync(eventId));

        // A seated event's capacity and ticket types are its plan's: not changed by hand (its other fields are).
        await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{eventId}", (created with { Capacity = 50 }).ToJsonObject(), Ct),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal(HttpStatusCode.OK, (await organizer.PutAsJsonAsync($"/api/events/{eventId}",
            (created with { Capacity = 29, Title = "Seated night" }).ToJsonObject(), Ct)).StatusCode);
        await AssertProblemAsync(await organizer.PostAsJsonAsync($"/api/events/{eventId}/ticket-types", new { name = "VIP", price = 90m }, Ct),
            HttpStatusCode.Conflict, "event-seated");
        await AssertProblemAsync(await organizer.DeleteAsync($"/api/events/{eventId}/ticket-types/{stallsType}", Ct), HttpStatusCode.Conflict, "event-seated");
        await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{eventId}/ticket-types/{stallsType}",
            new { name = "Stalls A", price = 60m, capacity = 3 }, Ct), HttpStatusCode.BadRequest, "validation");
        Assert.Equal((29, 29, 0, 0), await AvailabilityAsync(eventId));
    }

    [Fact]
    public async Task Putting_an_event_on_a_plan_is_refused_for_bad_prices_another_organizer_and_once_seats_are_held()
    {
        using var organizer = await fixture.AsAsync("organizer");
        var planId = await SmallPlanAsync(organizer);
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 7 });
        var problem = await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new
        {
            planId, prices = Prices(new { category = "stalls-a", price = 10.001m }, new { category = "gold", price = 5m }),
        }, Ct), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(["prices", "prices[0].price", "prices[1].category"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new { prices = Prices() }, Ct), HttpStatusCode.BadRequest, "validation");

        // Another organizer: not theirs to seat, and their own plan is not for this event.
        using var stranger = await fixture.AsAsync("organizer-seating-stranger");
        await AssertProblemAsync(await stranger.PutAsJsonAsync($"/api/events/{eventId}/seating", new { planId, prices = Prices() }, Ct), HttpStatusCode.Forbidden, "forbidden");
        var strangersPlan = await SmallPlanAsync(stranger);
        problem = await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new { planId = strangersPlan, prices = Prices() }, Ct),
            HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("planId", out _));
        using var attendee = await fixture.AsAsync("attendee-seating");
        Assert.Equal(HttpStatusCode.Forbidden, (await attendee.PutAsJsonAsync($"/api/events/{eventId}/seating", new { planId }, Ct)).StatusCode);

        // Nothing changed: the event is not seated, its one type and capacity are as created.
        using var anonymous = fixture.Anonymous();
        await AssertProblemAsync(await anonymous.GetAsync($"/api/events/{eventId}/seating", Ct), HttpStatusCode.NotFound, "event-not-seated");
        await AssertProblemAsync(await anonymous.GetAsync($"/api/events/{eventId}/seating/availability", Ct), HttpStatusCode.NotFound, "event-not-seated");
        Assert.Equal((7, 7, 0, 0), await AvailabilityAsync(eventId));

        // A seat held (a booking under way): too late to put the event on a plan.
        await HoldAsync(eventId, 1);
        await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new
        {
            planId, prices = Prices(new { category = "stalls-a", price = 60m }, new { category = "stalls-b", price = 30m }, new { area = "pit", price = 20m }),
        }, Ct), HttpStatusCode.Conflict, "has-sales");
        Assert.Equal((7, 6, 1, 0), await AvailabilityAsync(eventId));
        await AssertProblemAsync(await anonymous.GetAsync($"/api/events/{Guid.NewGuid()}/seating", Ct), HttpStatusCode.NotFound, "event-not-found");
    }

    [Fact]
    public async Task Blocked_seats_are_out_of_sale_with_a_reason_and_come_back_on_release()
    {
        using var organizer = await fixture.AsAsync("organizer");
        var planId = await SmallPlanAsync(organizer);
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 7 });
        await SeatAsync(organizer, eventId, planId);
        using var anonymous = fixture.Anonymous();
        var version = (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/availability", Ct)).GetProperty("version").GetInt64();

        Assert.Equal(HttpStatusCode.NoContent, (await organizer.PostAsJsonAsync($"/api/events/{eventId}/seating/block",
            new { seatIds = new[] { "stalls-A-1", "stalls-B-5" }, reason = "Press" }, Ct)).StatusCode);
        JsonElement availability = default;
        await Poll.UntilAsync(async () =>
        {
            availability = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/availability", Ct);
            return availability.GetProperty("unavailable").GetArrayLength() == 2;
        }, Patience, "the blocked seats are listed as unavailable", Ct);
        Assert.Equal(["stalls-A-1", "stalls-B-5"], availability.GetProperty("unavailable").EnumerateArray().Select(i => i.GetString()!));
        Assert.True(availability.GetProperty("version").GetInt64() > version);
        var map = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating", Ct);
        Assert.Equal(2, Seats(map, "stalls").GetProperty("available").EnumerateArray().Count(a => !a.GetBoolean()));

        // Each blocked seat left its type's capacity and the event's.
        Assert.Equal((28, 28, 0, 0), await AvailabilityAsync(eventId));
        var types = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/ticket-types", Ct);
        Assert.Equal([("Side view", 1), ("Stalls A", 7), ("Standing", 20)], types.EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("capacity").GetInt32())).Order());
        var blocked = await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/blocked", Ct);
        Assert.All(blocked.EnumerateArray(), b => Assert.Equal("Press", b.GetProperty("reason").GetString()));
        Assert.Equal(2, blocked.GetArrayLength());

        // Blocking again is a no-op; an unknown seat, no reason, another organizer: refused, nothing changed.
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.PostAsJsonAsync($"/api/events/{eventId}/seating/block",
            new { seatIds = new[] { "stalls-A-1" }, reason = "Kill" }, Ct)).StatusCode);
        var problem = await AssertProblemAsync(await organizer.PostAsJsonAsync($"/api/events/{eventId}/seating/block",
            new { seatIds = new[] { "stalls-A-2", "stalls-Z-9" }, reason = "Technical" }, Ct), HttpStatusCode.NotFound, "seat-not-found");
        Assert.Equal("stalls-Z-9", problem.GetProperty("seatIds")[0].GetString());
        await AssertProblemAsync(await organizer.PostAsJsonAsync($"/api/events/{eventId}/seating/block", new { seatIds = new[] { "stalls-A-2" } }, Ct),
            HttpStatusCode.BadRequest, "validation");
        using var stranger = await fixture.AsAsync("organizer-seating-stranger");
        await AssertProblemAsync(await stranger.PostAsJsonAsync($"/api/events/{eventId}/seating/block", new { seatIds = new[] { "stalls-A-2" }, reason = "Mine" }, Ct),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal((28, 28, 0, 0), await AvailabilityAsync(eventId));

        // Release: the seats are for sale again (a seat that was not blocked is left as it is).
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.PostAsJsonAsync($"/api/events/{eventId}/seating/release",
            new { seatIds = new[] { "stalls-A-1", "stalls-B-5", "stalls-A-3" } }, Ct)).StatusCode);
        Assert.Equal((30, 30, 0, 0), await AvailabilityAsync(eventId));
        await Poll.UntilAsync(async () => (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/availability", Ct))
            .GetProperty("unavailable").GetArrayLength() == 0, Patience, "the released seats are available again", Ct);
        Assert.Equal(0, (await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/blocked", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task Seats_a_hold_by_count_took_cannot_be_blocked()
    {
        using var organizer = await fixture.AsAsync("organizer");
        var planId = await SmallPlanAsync(organizer);
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 7 });
        var map = await SeatAsync(organizer, eventId, planId);
        var side = map.GetProperty("categories")[1].GetProperty("ticketTypeId").GetGuid();

        // Both "Side view" seats are held by a hold by count (it got the best available: the only two): neither can be blocked.
        await HoldAsync(eventId, 2, side);
        var problem = await AssertProblemAsync(await organizer.PostAsJsonAsync($"/api/events/{eventId}/seating/block",
            new { seatIds = new[] { "stalls-A-1", "stalls-B-4" }, reason = "Technical" }, Ct), HttpStatusCode.Conflict, "seat-not-available");
        Assert.Equal(["stalls-B-4"], problem.GetProperty("seatIds").EnumerateArray().Select(i => i.GetString()!));
        Assert.Equal((30, 28, 2, 0), await AvailabilityAsync(eventId));
        Assert.Equal(0, (await organizer.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/blocked", Ct)).GetArrayLength());

        // And the event, with seats held, cannot be put on a plan again.
        await AssertProblemAsync(await organizer.PutAsJsonAsync($"/api/events/{eventId}/seating", new
        {
            planId, prices = Prices(new { category = "stalls-a", price = 60m }, new { category = "stalls-b", price = 30m }, new { area = "pit", price = 20m }),
        }, Ct), HttpStatusCode.Conflict, "has-sales");
    }

    private async Task HoldAsync(Guid eventId, int quantity, Guid? ticketTypeId = null)
    {
        using var service = await fixture.AsAsync("service");
        var body = new JsonObject { ["quantity"] = quantity, ["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O") };
        if (ticketTypeId is { } type)
        {
            body["lines"] = new JsonArray(new JsonObject { ["ticketTypeId"] = type, ["quantity"] = quantity });
        }

        var placed = await service.PutAsJsonAsync($"/internal/events/{eventId}/holds/{Guid.CreateVersion7()}", body, Ct);
        Assert.True(placed.StatusCode == HttpStatusCode.Created, await placed.Content.ReadAsStringAsync(Ct));
    }

    private async Task<(int Capacity, int Available, int Held, int Sold)> AvailabilityAsync(Guid eventId)
    {
        using var anonymous = fixture.Anonymous();
        var a = (await anonymous.GetFromJsonAsync<Availability>($"/api/events/{eventId}/availability", EventsTopologyFixture.Json, Ct))!;
        return (a.Capacity, a.Available, a.Held, a.Sold);
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ReadJsonAsync(status, Ct);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, Answers.CodeOf(problem));
        return problem;
    }
}
