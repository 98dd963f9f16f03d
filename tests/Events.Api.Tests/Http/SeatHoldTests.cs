using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Testing;
using Xunit;
using static Events.Api.Tests.Http.SeatingApiTests;

namespace Events.Api.Tests.Http;

/// <summary>
/// Holds of particular seats over real HTTP (users-api, events-api, PostgreSQL): named seats and best available, all or none, held →
/// sold → back to sale (release, expiry), buyers racing for the same seats, and the refusals. The plan is SeatingApiTests'
/// small one: stalls row A 1–5 and row B 1–3 in "stalls-a", row B 4–5 in "stalls-b", a standing pit of 20.
/// </summary>
public sealed class SeatHoldTests(EventsTopologyFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A published event on the small plan, and its ticket types: stalls-a, stalls-b, the pit.</summary>
    private async Task<(Guid EventId, Guid StallsA, Guid StallsB, Guid Pit)> SeatedEventAsync()
    {
        using var organizer = await fixture.AsAsync("organizer");
        var planId = await SmallPlanAsync(organizer);
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 7 });
        var map = await SeatAsync(organizer, eventId, planId);
        var categories = map.GetProperty("categories");
        var pit = map.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "pit");
        return (eventId, categories[0].GetProperty("ticketTypeId").GetGuid(), categories[1].GetProperty("ticketTypeId").GetGuid(),
            pit.GetProperty("ticketTypeId").GetGuid());
    }

    private static JsonObject Line(Guid type, int? quantity = null, string[]? seatIds = null, object? bestAvailable = null)
    {
        var line = new JsonObject { ["ticketTypeId"] = type };
        if (quantity is { } q)
        {
            line["quantity"] = q;
        }

        if (seatIds is not null)
        {
            line["seatIds"] = new JsonArray([.. seatIds.Select(id => JsonValue.Create(id))]);
        }

        if (bestAvailable is not null)
        {
            line["bestAvailable"] = JsonSerializer.SerializeToNode(bestAvailable);
        }

        return line;
    }

    private async Task<HttpResponseMessage> HoldAsync(Guid eventId, Guid holdId, TimeSpan? lasts = null, params JsonObject[] lines)
    {
        using var service = await fixture.AsAsync("service");
        var body = new JsonObject
        {
            ["expiresAt"] = DateTimeOffset.UtcNow.Add(lasts ?? TimeSpan.FromMinutes(10)).ToString("O"),
            ["lines"] = new JsonArray(lines),
        };
        return await service.PutAsJsonAsync($"/internal/events/{eventId}/holds/{holdId}", body, Ct);
    }

    private static IReadOnlyList<string> SeatIdsOf(JsonElement hold) =>
        [.. hold.GetProperty("lines").EnumerateArray().Where(l => l.TryGetProperty("seats", out var s) && s.ValueKind == JsonValueKind.Array)
            .SelectMany(l => l.GetProperty("seats").EnumerateArray()).Select(s => s.GetProperty("seatId").GetString()!)];

    /// <summary>The seat ids the map's availability lists as gone, once they are <paramref name="expected"/> (it is up to 1 s old), and its version.</summary>
    private async Task<(IReadOnlyList<string> Unavailable, long Version)> UnavailableAsync(Guid eventId, IReadOnlyCollection<string> expected)
    {
        using var anonymous = fixture.Anonymous();
        JsonElement availability = default;
        await Poll.UntilAsync(async () =>
        {
            availability = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/availability", Ct);
            return availability.GetProperty("unavailable").EnumerateArray().Select(i => i.GetString()!).Order(StringComparer.Ordinal)
                .SequenceEqual(expected.Order(StringComparer.Ordinal));
        }, Patience, $"the map lists [{string.Join(", ", expected)}] as gone", Ct);
        return ([.. availability.GetProperty("unavailable").EnumerateArray().Select(i => i.GetString()!)], availability.GetProperty("version").GetInt64());
    }

    private async Task<long> VersionAsync(Guid eventId)
    {
        using var anonymous = fixture.Anonymous();
        return (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/availability", Ct)).GetProperty("version").GetInt64();
    }

    /// <summary>The counters read at one instant: the event's (held, sold) and each type's (held, sold), by type id.</summary>
    private async Task<((int Held, int Sold) Event, Dictionary<Guid, (int Held, int Sold)> Types)> CountersAsync(Guid eventId)
    {
        using var service = await fixture.AsAsync("service");
        var inventory = await service.GetFromJsonAsync<JsonElement>($"/internal/events/{eventId}/inventory", Ct);
        return ((inventory.GetProperty("held").GetInt32(), inventory.GetProperty("sold").GetInt32()),
            inventory.GetProperty("ticketTypes").EnumerateArray().ToDictionary(t => t.GetProperty("ticketTypeId").GetGuid(),
                t => (t.GetProperty("held").GetInt32(), t.GetProperty("sold").GetInt32())));
    }

    /// <summary>S3 as the reconciliation snapshot shows it: a seat category's type's seats held and sold, at the instant of its counters.</summary>
    private async Task<(int Held, int Sold)> SeatsCountedAsync(Guid eventId, Guid type)
    {
        using var service = await fixture.AsAsync("service");
        var inventory = await service.GetFromJsonAsync<JsonElement>($"/internal/events/{eventId}/inventory", Ct);
        var seats = inventory.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("ticketTypeId").GetGuid() == type).GetProperty("seats");
        return (seats.GetProperty("held").GetInt32(), seats.GetProperty("sold").GetInt32());
    }

    [Fact]
    public async Task Named_seats_are_held_shown_gone_on_the_map_and_answered_with_their_places()
    {
        var (eventId, stallsA, _, _) = await SeatedEventAsync();
        var before = await VersionAsync(eventId);

        var placed = await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, seatIds: ["stalls-A-2", "stalls-A-3"]));
        var hold = await placed.ReadJsonAsync(HttpStatusCode.Created, Ct);
        Assert.Equal(2, hold.GetProperty("quantity").GetInt32());
        var seats = hold.GetProperty("lines")[0].GetProperty("seats").EnumerateArray()
            .Select(s => (s.GetProperty("seatId").GetString(), s.GetProperty("area").GetString(), s.GetProperty("row").GetString(), s.GetProperty("number").GetString()));
        Assert.Equal([("stalls-A-2", "stalls", "A", "2"), ("stalls-A-3", "stalls", "A", "3")], seats);

        var (_, version) = await UnavailableAsync(eventId, ["stalls-A-2", "stalls-A-3"]);
        Assert.Equal(before + 1, version);
        var counters = await CountersAsync(eventId);
        Assert.Equal((2, 0), counters.Event);
        Assert.Equal((2, 0), counters.Types[stallsA]);
        using var anonymous = fixture.Anonymous();
        var map = await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating", Ct);
        var stalls = Seats(map, "stalls");
        var gone = stalls.GetProperty("ids").EnumerateArray().Select((id, i) => (Id: id.GetString()!, Available: stalls.GetProperty("available")[i].GetBoolean()))
            .Where(s => !s.Available).Select(s => s.Id);
        Assert.Equal(["stalls-A-2", "stalls-A-3"], gone);
    }

    [Fact]
    public async Task Buyers_racing_for_the_same_seats_get_each_seat_once_and_the_counters_match_the_seats()
    {
        var (eventId, stallsA, _, _) = await SeatedEventAsync();
        string[][] pairs = [["stalls-A-1", "stalls-A-2"], ["stalls-A-2", "stalls-A-3"], ["stalls-A-3", "stalls-A-4"], ["stalls-A-4", "stalls-A-1"]];

        // 20 buyers at once, each for two of the same four seats.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var response = await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, seatIds: pairs[i % pairs.Length]));
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }));

        Assert.All(attempts, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, a.Body.ToString()));
        Assert.All(attempts.Where(a => a.StatusCode == HttpStatusCode.Conflict), a => Assert.Equal("seat-not-available", Answers.CodeOf(a.Body)));
        var won = attempts.Where(a => a.StatusCode == HttpStatusCode.Created).Select(a => SeatIdsOf(a.Body)).ToList();
        Assert.InRange(won.Count, 1, 2);
        var held = won.SelectMany(s => s).ToList();
        Assert.Equal(held.Count, held.Distinct().Count()); // no seat held twice
        Assert.All(won, s => Assert.Equal(2, s.Count));

        await UnavailableAsync(eventId, held);
        var counters = await CountersAsync(eventId);
        Assert.Equal((held.Count, 0), counters.Event);
        Assert.Equal((held.Count, 0), counters.Types[stallsA]);
        Assert.Equal((held.Count, 0), await SeatsCountedAsync(eventId, stallsA));
    }

    [Fact]
    public async Task A_party_whose_one_seat_is_taken_holds_nothing()
    {
        var (eventId, stallsA, _, _) = await SeatedEventAsync();
        (await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, seatIds: ["stalls-A-3"]))).EnsureSuccessStatusCode();
        var version = (await UnavailableAsync(eventId, ["stalls-A-3"])).Version;

        var problem = await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null,
            Line(stallsA, 3, ["stalls-A-2", "stalls-A-3", "stalls-A-4"])), HttpStatusCode.Conflict, "seat-not-available");
        Assert.Equal(["stalls-A-3"], problem.GetProperty("seatIds").EnumerateArray().Select(i => i.GetString()!));

        var counters = await CountersAsync(eventId);
        Assert.Equal(((1, 0), (1, 0)), (counters.Event, counters.Types[stallsA]));
        Assert.Equal(version, (await UnavailableAsync(eventId, ["stalls-A-3"])).Version);
    }

    [Fact]
    public async Task Best_available_seats_a_party_side_by_side_and_refuses_a_split_it_was_not_allowed()
    {
        var (eventId, stallsA, _, _) = await SeatedEventAsync();

        // Four together: row A has five, row B three: four adjacent seats of row A.
        var hold = await (await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, 4, bestAvailable: new { }))).ReadJsonAsync(HttpStatusCode.Created, Ct);
        var seats = hold.GetProperty("lines")[0].GetProperty("seats").EnumerateArray().ToList();
        Assert.Equal(4, seats.Count);
        Assert.All(seats, s => Assert.Equal(("stalls", "A"), (s.GetProperty("area").GetString(), s.GetProperty("row").GetString())));
        var numbers = seats.Select(s => int.Parse(s.GetProperty("number").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(numbers[0], 4), numbers);
        await UnavailableAsync(eventId, SeatIdsOf(hold));

        // Four left apart (one of row A, three of row B): not together, and nothing held; with a split allowed, all four.
        await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, 4, bestAvailable: new { allowSplit = false })),
            HttpStatusCode.Conflict, "seats-not-together");
        Assert.Equal((4, 0), (await CountersAsync(eventId)).Types[stallsA]);
        var split = await (await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, 4, bestAvailable: new { allowSplit = true })))
            .ReadJsonAsync(HttpStatusCode.Created, Ct);
        Assert.Equal(4, SeatIdsOf(split).Count);
        Assert.Empty(SeatIdsOf(split).Intersect(SeatIdsOf(hold)));

        // None left: sold out.
        await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, 1, bestAvailable: new { })),
            HttpStatusCode.Conflict, "sold-out");
        Assert.Equal((8, 0), (await CountersAsync(eventId)).Types[stallsA]);
    }

    [Fact]
    public async Task A_confirmed_holds_seats_are_sold_and_a_release_puts_them_back_on_sale()
    {
        var (eventId, _, stallsB, _) = await SeatedEventAsync();
        var holdId = Guid.CreateVersion7();
        (await HoldAsync(eventId, holdId, null, Line(stallsB, seatIds: ["stalls-B-4", "stalls-B-5"]))).EnsureSuccessStatusCode();
        var held = (await UnavailableAsync(eventId, ["stalls-B-4", "stalls-B-5"])).Version;

        using var service = await fixture.AsAsync("service");
        var confirmed = await (await service.PostAsync($"/internal/events/{eventId}/holds/{holdId}/confirm", null, Ct)).ReadJsonAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(["stalls-B-4", "stalls-B-5"], SeatIdsOf(confirmed));
        Assert.Equal((0, 2), (await CountersAsync(eventId)).Types[stallsB]);
        Assert.Equal((0, 2), await SeatsCountedAsync(eventId, stallsB));
        long sold = 0;
        await Poll.UntilAsync(async () => (sold = await VersionAsync(eventId)) == held + 1, Patience, "the sale bumped the version", Ct);

        // A sold seat cannot be held again.
        await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsB, seatIds: ["stalls-B-5"])),
            HttpStatusCode.Conflict, "seat-not-available");

        // A cancellation: the seats are for sale again.
        Assert.Equal(HttpStatusCode.NoContent, (await service.DeleteAsync($"/internal/events/{eventId}/holds/{holdId}", Ct)).StatusCode);
        await AssertBackOnSaleAsync(eventId, stallsB, "stalls-B-5", sold + 1);
    }

    [Fact]
    public async Task An_expired_holds_seats_go_back_on_sale()
    {
        var (eventId, stallsA, _, _) = await SeatedEventAsync();
        (await HoldAsync(eventId, Guid.CreateVersion7(), TimeSpan.FromSeconds(4), Line(stallsA, seatIds: ["stalls-A-5"]))).EnsureSuccessStatusCode();
        var held = (await UnavailableAsync(eventId, ["stalls-A-5"])).Version;

        // The sweeper (every 200 ms in this topology) expires it.
        await AssertBackOnSaleAsync(eventId, stallsA, "stalls-A-5", held + 1);
    }

    /// <summary>No seat is gone on the map (at <paramref name="version"/>), no seat counted, and <paramref name="seatId"/> can be held again.</summary>
    private async Task AssertBackOnSaleAsync(Guid eventId, Guid type, string seatId, long version)
    {
        Assert.Equal(version, (await UnavailableAsync(eventId, [])).Version);
        var counters = await CountersAsync(eventId);
        Assert.Equal(((0, 0), (0, 0)), (counters.Event, counters.Types[type]));
        Assert.Equal((0, 0), await SeatsCountedAsync(eventId, type));
        (await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(type, seatIds: [seatId]))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_blocked_seat_cannot_be_held()
    {
        var (eventId, stallsA, _, _) = await SeatedEventAsync();
        using var organizer = await fixture.AsAsync("organizer");
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.PostAsJsonAsync($"/api/events/{eventId}/seating/block",
            new { seatIds = new[] { "stalls-A-1" }, reason = "Camera" }, Ct)).StatusCode);

        var problem = await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, seatIds: ["stalls-A-1", "stalls-A-2"])),
            HttpStatusCode.Conflict, "seat-not-available");
        Assert.Equal(["stalls-A-1"], problem.GetProperty("seatIds").EnumerateArray().Select(i => i.GetString()!));
        Assert.Equal((0, 0), (await CountersAsync(eventId)).Event);
    }

    [Fact]
    public async Task A_standing_areas_type_on_a_seated_event_is_held_by_count()
    {
        var (eventId, stallsA, _, pit) = await SeatedEventAsync();
        var hold = await (await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(pit, 5))).ReadJsonAsync(HttpStatusCode.Created, Ct);
        Assert.Equal(5, hold.GetProperty("quantity").GetInt32());
        Assert.Empty(SeatIdsOf(hold));
        var counters = await CountersAsync(eventId);
        Assert.Equal(((5, 0), (5, 0), (0, 0)), (counters.Event, counters.Types[pit], counters.Types[stallsA]));
        Assert.Equal((0, 0), await SeatsCountedAsync(eventId, stallsA));
        using var anonymous = fixture.Anonymous();
        await Poll.UntilAsync(async () => (await anonymous.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/seating/availability", Ct))
            .GetProperty("areas").GetProperty("pit").GetInt32() == 15, Patience, "the pit has 15 places left", Ct);

        // Seats named for it are a field error.
        var problem = await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(pit, seatIds: ["stalls-A-1"])),
            HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("lines[0].seatIds", out _));
    }

    [Fact]
    public async Task Seats_of_another_category_or_a_count_that_is_not_the_quantity_are_field_errors_and_change_nothing()
    {
        var (eventId, stallsA, stallsB, _) = await SeatedEventAsync();
        var version = await VersionAsync(eventId);

        var problem = await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsA, seatIds: ["stalls-A-1", "stalls-B-4"])),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal(["lines[0].seatIds"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Contains("stalls-B-4", problem.GetProperty("errors").GetProperty("lines[0].seatIds")[0].GetString(), StringComparison.Ordinal);

        problem = await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null, Line(stallsB, 3, ["stalls-B-4", "stalls-B-5"])),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal(["lines[0].seatIds"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        problem = await AssertProblemAsync(await HoldAsync(eventId, Guid.CreateVersion7(), null,
            Line(stallsA, 2, ["stalls-A-1", "stalls-A-1"]), Line(stallsB, 11, bestAvailable: new { })), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(["lines[0].seatIds", "lines[1].bestAvailable.allowSplit"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        Assert.Equal((0, 0), (await CountersAsync(eventId)).Event);
        Assert.Equal(version, await VersionAsync(eventId));
    }

    [Fact]
    public async Task A_bookings_seats_move_to_others_of_their_category_all_or_none_and_the_seats_left_go_back_to_sale()
    {
        var (eventId, stallsA, _, _) = await SeatedEventAsync();
        var holdId = Guid.NewGuid();
        var other = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await HoldAsync(eventId, holdId, lines: Line(stallsA, seatIds: ["stalls-A-1", "stalls-A-2"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await HoldAsync(eventId, other, lines: Line(stallsA, seatIds: ["stalls-A-5"]))).StatusCode);
        using var service = await fixture.AsAsync("service");
        (await service.PostAsync($"/internal/events/{eventId}/holds/{holdId}/confirm", null, Ct)).EnsureSuccessStatusCode();
        var counters = await CountersAsync(eventId);
        var version = await VersionAsync(eventId);

        Task<HttpResponseMessage> MoveAsync(Guid hold, params (string From, string To)[] moves) =>
            service.PostAsJsonAsync($"/internal/events/{eventId}/holds/{hold}/seats/move", new { moves = moves.Select(m => new { from = m.From, to = m.To }) }, Ct);

        // Refused, and nothing moves: a seat another buyer holds, a seat not the booking's, another category, an unknown seat, bad bodies.
        var taken = await AssertProblemAsync(await MoveAsync(holdId, ("stalls-A-1", "stalls-A-3"), ("stalls-A-2", "stalls-A-5")), HttpStatusCode.Conflict, "seat-not-available");
        Assert.Equal(["stalls-A-5"], taken.GetProperty("seatIds").EnumerateArray().Select(e => e.GetString()));
        var notMine = await AssertProblemAsync(await MoveAsync(holdId, ("stalls-A-5", "stalls-A-3")), HttpStatusCode.BadRequest, "validation");
        Assert.True(notMine.GetProperty("errors").TryGetProperty("moves[0].from", out _));
        var category = await AssertProblemAsync(await MoveAsync(holdId, ("stalls-A-1", "stalls-A-3"), ("stalls-A-2", "stalls-B-4")), HttpStatusCode.BadRequest, "validation");
        Assert.True(category.GetProperty("errors").TryGetProperty("moves[1].to", out _));
        await AssertProblemAsync(await MoveAsync(holdId, ("stalls-A-1", "stalls-Z-9")), HttpStatusCode.NotFound, "seat-not-found");
        await AssertProblemAsync(await MoveAsync(holdId, ("stalls-A-1", "stalls-A-1")), HttpStatusCode.BadRequest, "validation");
        await AssertProblemAsync(await MoveAsync(holdId, ("stalls-A-1", "stalls-A-3"), ("stalls-A-1", "stalls-A-4")), HttpStatusCode.BadRequest, "validation");
        await AssertProblemAsync(await MoveAsync(holdId), HttpStatusCode.BadRequest, "validation");
        await AssertProblemAsync(await MoveAsync(Guid.NewGuid(), ("stalls-A-1", "stalls-A-3")), HttpStatusCode.NotFound, "hold-not-found");
        Assert.Equal(version, await VersionAsync(eventId));
        await UnavailableAsync(eventId, ["stalls-A-1", "stalls-A-2", "stalls-A-5"]);

        // Moved: A-1 → A-3 and A-2 ↔ A-1's place swapped in one change; the booking keeps two sold seats, A-2 goes back to sale.
        using var moved = await MoveAsync(holdId, ("stalls-A-1", "stalls-A-3"), ("stalls-A-2", "stalls-A-1"));
        var seats = await moved.ReadJsonAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(["stalls-A-1", "stalls-A-3"], seats.GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("seatId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(seats.GetProperty("seats").EnumerateArray(), s => Assert.Equal((stallsA, "stalls", "STALLS"),
            (s.GetProperty("ticketTypeId").GetGuid(), s.GetProperty("area").GetString(), s.GetProperty("areaName").GetString())));
        var (_, after) = await UnavailableAsync(eventId, ["stalls-A-1", "stalls-A-3", "stalls-A-5"]);
        Assert.True(after > version, "the seat map's version grew (S5)");
        Assert.Equal(counters.Event, (await CountersAsync(eventId)).Event);
        Assert.Equal((1, 2), await SeatsCountedAsync(eventId, stallsA));

        // A move made again (a retry after a lost answer) is not made twice: A-3 → A-4 twice leaves the booking on A-1 and A-4.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var repeated = await MoveAsync(holdId, ("stalls-A-3", "stalls-A-4"));
            Assert.Equal(["stalls-A-1", "stalls-A-4"], (await repeated.ReadJsonAsync(HttpStatusCode.OK, Ct)).GetProperty("seats").EnumerateArray()
                .Select(s => s.GetProperty("seatId").GetString()).Order(StringComparer.Ordinal));
        }

        await UnavailableAsync(eventId, ["stalls-A-1", "stalls-A-4", "stalls-A-5"]);

        // The confirmed booking's seats are what a replay of its confirmation answers; releasing it frees the moved seats.
        var confirmed = await (await service.PostAsync($"/internal/events/{eventId}/holds/{holdId}/confirm", null, Ct)).ReadJsonAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(["stalls-A-1", "stalls-A-4"], SeatIdsOf(confirmed).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await service.DeleteAsync($"/internal/events/{eventId}/holds/{holdId}", Ct)).StatusCode);
        await UnavailableAsync(eventId, ["stalls-A-5"]);
    }
}
