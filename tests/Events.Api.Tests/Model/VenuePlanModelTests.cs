using Events.Api.Model;
using Events.Api.Seating;
using Xunit;

namespace Events.Api.Tests.Model;

/// <summary>
/// Venue plans' rules: the document's validation (every error by field, nothing half-taken), generating areas (labels, numbering,
/// straight, curved and staggered places, ranks), seat edits, and putting an event on a plan (ticket types per category and area).
/// </summary>
public sealed class VenuePlanModelTests
{
    private static readonly PlanContent Empty = new("Hall", [new PlanCategory("stalls-a", "Stalls A", null), new PlanCategory("stalls-b", "Stalls B", "#123456")], []);

    private static PlanSeatDocument Seat(string id, string row, string number, string category = "stalls-a", int rank = 1) =>
        new(id, row, number, 0, 0, category, rank);

    private static PlanDocument Document(params PlanAreaDocument[] areas) =>
        new(1, "Hall", [new PlanCategoryDocument("stalls-a", "Stalls A", null)], areas);

    private static PlanContent Generated(string layout, int rows = 5, int perRow = 9, SeatNumbering numbering = SeatNumbering.LeftToRight,
        string firstRow = "A")
    {
        var (content, errors) = PlanEditing.AddArea(Empty, new GenerateAreaRequest("stalls", "Stalls", null, rows, perRow, firstRow, 1, numbering.ToString(),
            layout, "stalls-a", null, 0, 0, 10, 12, 60, null));
        Assert.True(content is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(",", e.Value)}")));
        return content;
    }

    [Fact]
    public void A_valid_document_becomes_a_plan_and_exports_as_the_same_document()
    {
        var document = new PlanDocument(1, "Hall", [new PlanCategoryDocument("stalls-a", "Stalls A", "#aa0000")],
        [
            new PlanAreaDocument("stalls", "Stalls", "Reserved", null,
                [new PlanSeatDocument("s-A-1", "A", "1", 1.5, 2, "stalls-a", 3, true, false, true, false)]),
            new PlanAreaDocument("standing", "Standing", "GeneralAdmission", 200, null),
        ]);
        var (content, errors) = PlanRules.Validate(document);
        Assert.Empty(errors);
        var seat = Assert.Single(content!.Areas[0].Seats);
        Assert.Equal(SeatFlags.Wheelchair | SeatFlags.RestrictedView, seat.Flags);
        Assert.False(seat.Present);
        Assert.Equal(200, content.Areas[1].Capacity);
        var exported = PlanDocument.From(content);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(document), System.Text.Json.JsonSerializer.Serialize(exported));
    }

    [Fact]
    public void Every_broken_rule_is_a_field_error()
    {
        var (content, errors) = PlanRules.Validate(Document(
            new PlanAreaDocument("stalls", "Stalls", "Reserved", null,
                [Seat("a1", "A", "1"), Seat("a1", "A", "2"), Seat("a3", "A", "2"), Seat("a4", "A", "4", category: "nope"), Seat("a5", "A", "5", rank: 0)]),
            new PlanAreaDocument("standing", "Standing", "GeneralAdmission", -5, null),
            new PlanAreaDocument("Bad Id", "X", "Balcony", null, null)));
        Assert.Null(content);
        Assert.Contains("areas[0].seats[1].id", errors.Keys);
        Assert.Contains("areas[0].seats[2].number", errors.Keys);
        Assert.Contains("areas[0].seats[3].category", errors.Keys);
        Assert.Contains("areas[0].seats[4].rank", errors.Keys);
        Assert.Contains("areas[1].capacity", errors.Keys);
        Assert.Contains("areas[2].id", errors.Keys);
        Assert.Contains("areas[2].kind", errors.Keys);
        Assert.DoesNotContain("areas[0].seats[0].id", errors.Keys);
    }

    [Fact]
    public void A_plan_has_at_most_twenty_thousand_seats_and_the_error_list_is_bounded()
    {
        var seats = Enumerable.Range(0, PlanRules.MaxSeats + 1).Select(i => Seat($"s{i}", "A", $"{i}")).ToList();
        var (content, errors) = PlanRules.Validate(Document(new PlanAreaDocument("stalls", "Stalls", "Reserved", null, seats)));
        Assert.Null(content);
        Assert.Contains("areas", errors.Keys);

        var bad = Enumerable.Range(0, 500).Select(i => Seat($"s{i}", "A", $"{i}", category: "nope")).ToList();
        (_, errors) = PlanRules.Validate(Document(new PlanAreaDocument("stalls", "Stalls", "Reserved", null, bad)));
        Assert.True(errors.Count <= PlanRules.MaxErrors + 1, $"{errors.Count} errors listed");
        Assert.Contains("more", errors.Keys);
    }

    [Fact]
    public void A_straight_area_has_rows_of_numbered_seats_with_ids_and_places()
    {
        var area = Generated("Straight", rows: 3, perRow: 4).Areas.Single();
        Assert.Equal(12, area.Seats.Count);
        Assert.Equal(["A", "B", "C"], area.Seats.Select(s => s.Row).Distinct());
        var first = area.Seats[0];
        Assert.Equal(("stalls-A-1", 0d, 0d), (first.Id, first.X, first.Y));
        var c4 = area.Seats.Single(s => s.Id == "stalls-C-4");
        Assert.Equal((30d, 24d), (c4.X, c4.Y));
        Assert.All(area.Seats, s => Assert.Equal("stalls-a", s.Category));
    }

    [Fact]
    public void Right_to_left_numbering_starts_at_the_right_and_labels_go_past_z()
    {
        var area = Generated("Straight", rows: 3, perRow: 4, numbering: SeatNumbering.RightToLeft, firstRow: "Y").Areas.Single();
        Assert.Equal(["Y", "Z", "AA"], area.Seats.Select(s => s.Row).Distinct());
        var one = area.Seats.Single(s => s is { Row: "Y", Number: "1" });
        Assert.Equal(30d, one.X);
        Assert.Equal("AB", PlanEditing.RowLabel("Z", 2));
        Assert.Equal("12", PlanEditing.RowLabel("10", 2));
    }

    [Fact]
    public void Staggered_rows_shift_every_second_row_by_half_a_seat()
    {
        var area = Generated("Staggered", rows: 3, perRow: 4).Areas.Single();
        Assert.Equal(0d, area.Seats.Single(s => s.Id == "stalls-A-1").X);
        Assert.Equal(5d, area.Seats.Single(s => s.Id == "stalls-B-1").X);
        Assert.Equal(0d, area.Seats.Single(s => s.Id == "stalls-C-1").X);
        Assert.Equal(12d, area.Seats.Single(s => s.Id == "stalls-B-1").Y);
    }

    [Fact]
    public void Curved_rows_lie_on_arcs_around_the_stage_keeping_the_seat_spacing()
    {
        var area = Generated("Curved", rows: 4, perRow: 9).Areas.Single();
        var front = area.Seats.Where(s => s.Row == "A").ToList();
        // The centre seat is the nearest the audience side of its row; the ends bend towards the stage (smaller y), symmetrically.
        Assert.Equal(0d, front[4].Y);
        Assert.True(front[0].Y < front[4].Y && front[8].Y < front[4].Y);
        Assert.Equal(front[0].Y, front[8].Y, 2);
        Assert.Equal(40d, front[4].X, 2);
        // Neighbours stay about one seat spacing apart (a chord of the arc), in every row.
        foreach (var row in area.Seats.GroupBy(s => s.Row))
        {
            var seats = row.ToList();
            for (var i = 1; i < seats.Count; i++)
            {
                var d = Math.Sqrt(Math.Pow(seats[i].X - seats[i - 1].X, 2) + Math.Pow(seats[i].Y - seats[i - 1].Y, 2));
                Assert.InRange(d, 9.9, 10.01);
            }
        }

        // Each row is one row spacing behind the one in front, on the centre line.
        var centreB = area.Seats.Single(s => s.Id == "stalls-B-5");
        Assert.Equal(12d, centreB.Y, 2);
    }

    [Fact]
    public void Ranks_are_best_at_the_centre_of_the_front_middle_rows_and_unique()
    {
        var area = Generated("Straight", rows: 10, perRow: 21).Areas.Single();
        Assert.Equal(area.Seats.Count, area.Seats.Select(s => s.Rank).Distinct().Count());
        var best = area.Seats.MinBy(s => s.Rank)!;
        Assert.Equal(("D", "11", 1), (best.Row, best.Number, best.Rank));
        var corner = area.Seats.Single(s => s.Id == "stalls-J-1");
        Assert.True(corner.Rank > area.Seats.Single(s => s.Id == "stalls-A-11").Rank);

        // A second area ranks after the first unless told otherwise.
        var (two, _) = PlanEditing.AddArea(Generated("Straight", rows: 2, perRow: 2), new GenerateAreaRequest("balcony", "Balcony", null, 1, 2, null,
            null, null, null, "stalls-b", null, 0, 100, null, null, null, null));
        Assert.Equal([5, 6], two!.Areas[1].Seats.Select(s => s.Rank).Order());
    }

    [Fact]
    public void A_generated_area_needs_a_free_id_a_known_category_and_sane_sizes()
    {
        var plan = Generated("Straight", rows: 2, perRow: 2);
        var (content, errors) = PlanEditing.AddArea(plan, new GenerateAreaRequest("stalls", "", null, 0, 500, "a", null, "Upwards", "2", "nope", null,
            null, null, -1, null, 5, null));
        Assert.Null(content);
        Assert.Equal(["arcDegrees", "category", "firstRow", "id", "layout", "name", "numbering", "rows", "seatSpacing", "seatsPerRow"], errors.Keys.Order(StringComparer.Ordinal));
        (content, errors) = PlanEditing.AddArea(plan, new GenerateAreaRequest("big", "Big", null, 100, 200, null, null, null, null, "stalls-a", null,
            null, null, null, null, null, null));
        Assert.Null(content);
        Assert.Contains("seatsPerRow", errors.Keys);
        (content, errors) = PlanEditing.AddArea(plan, new GenerateAreaRequest("pit", "Pit", "GeneralAdmission", null, null, null, null, null, null,
            null, 0, null, null, null, null, null, null));
        Assert.Null(content);
        Assert.Equal(["capacity"], errors.Keys);
    }

    [Fact]
    public void Seat_edits_apply_all_or_none()
    {
        var plan = Generated("Straight", rows: 2, perRow: 3);
        var (content, errors) = PlanEditing.ApplyEdits(plan, new SeatEditsRequest([
            new SeatEdit("stalls-A-1", false, null, null, null, null, null, null, null),
            new SeatEdit("stalls-A-2", null, null, null, "stalls-b", 99, true, true, null),
            new SeatEdit("stalls-B-3", null, null, "30", null, null, null, null, true),
        ]));
        Assert.Empty(errors);
        var seats = content!.Areas[0].Seats.ToDictionary(s => s.Id);
        Assert.False(seats["stalls-A-1"].Present);
        Assert.Equal(("stalls-b", 99, SeatFlags.Wheelchair | SeatFlags.Companion), (seats["stalls-A-2"].Category, seats["stalls-A-2"].Rank, seats["stalls-A-2"].Flags));
        Assert.Equal(("30", SeatFlags.RestrictedView), (seats["stalls-B-3"].Number, seats["stalls-B-3"].Flags));

        (content, errors) = PlanEditing.ApplyEdits(plan, new SeatEditsRequest([
            new SeatEdit("stalls-A-1", false, null, null, null, null, null, null, null),
            new SeatEdit("stalls-A-2", null, null, "3", null, null, null, null, null),
            new SeatEdit("nope", null, null, null, null, null, null, null, null),
            new SeatEdit("stalls-B-1", null, null, null, "gold", 0, null, null, null),
        ]));
        Assert.Null(content);
        Assert.Equal(["edits[1].number", "edits[2].seatId", "edits[3].category", "edits[3].rank"], errors.Keys.Order(StringComparer.Ordinal));

        // Two seats may swap numbers in one batch.
        (content, errors) = PlanEditing.ApplyEdits(plan, new SeatEditsRequest([
            new SeatEdit("stalls-A-1", null, null, "2", null, null, null, null, null),
            new SeatEdit("stalls-A-2", null, null, "1", null, null, null, null, null),
        ]));
        Assert.Empty(errors);
        Assert.Equal("2", content!.Areas[0].Seats.Single(s => s.Id == "stalls-A-1").Number);
    }

    [Fact]
    public void An_event_on_a_plan_sells_each_category_and_standing_area_as_one_ticket_type_sized_by_its_places()
    {
        var (withStanding, _) = PlanEditing.AddArea(Generated("Straight", rows: 2, perRow: 3), new GenerateAreaRequest("pit", "Pit", "GeneralAdmission",
            null, null, null, null, null, null, null, 50, null, null, null, null, null, null));
        var (content, _) = PlanEditing.ApplyEdits(withStanding!, new SeatEditsRequest([
            new SeatEdit("stalls-A-1", false, null, null, null, null, null, null, null),
            new SeatEdit("stalls-B-1", null, null, null, "stalls-b", null, null, null, null),
        ]));
        var plan = new VenuePlan(Guid.CreateVersion7(), Guid.CreateVersion7(), content!, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var e = new CatalogEvent { Id = Guid.CreateVersion7(), Currency = "EUR", Capacity = 10 };
        var standard = TicketType.DefaultOf(e);

        var (seating, errors) = EventSeatingRules.Resolve(e, plan, [standard], new EventSeatingRequest(plan.Id, [
            new SeatingPriceRequest("stalls-a", null, standard.Id, null, 70m),
            new SeatingPriceRequest("stalls-b", null, null, "Side", 40m),
            new SeatingPriceRequest(null, "pit", null, null, 20m),
        ]), DateTimeOffset.UtcNow);
        Assert.Empty(errors);
        var types = seating!.TicketTypes.ToDictionary(t => t.Link);
        Assert.Equal((standard.Id, 70m, 4, false), (types[new SeatLink("stalls-a", null)].Type.Id, types[new SeatLink("stalls-a", null)].Type.Price,
            types[new SeatLink("stalls-a", null)].Type.Capacity!.Value, types[new SeatLink("stalls-a", null)].IsNew));
        Assert.Equal(("Side", 1), (types[new SeatLink("stalls-b", null)].Type.Name, types[new SeatLink("stalls-b", null)].Type.Capacity!.Value));
        Assert.Equal(("Pit", 50), (types[new SeatLink(null, "pit")].Type.Name, types[new SeatLink(null, "pit")].Type.Capacity!.Value));
        Assert.Equal(55, seating.Capacity);
        Assert.Equal(5, seating.Seats.Count);

        // Every category with seats and every standing area needs a price; a type sells one of them only.
        (seating, errors) = EventSeatingRules.Resolve(e, plan, [standard], new EventSeatingRequest(plan.Id, [
            new SeatingPriceRequest("stalls-a", null, standard.Id, null, null),
            new SeatingPriceRequest("stalls-b", null, standard.Id, null, null),
            new SeatingPriceRequest("gold", null, null, null, 10m),
            new SeatingPriceRequest(null, "pit", null, null, null),
        ]), DateTimeOffset.UtcNow);
        Assert.Null(seating);
        Assert.Equal(["prices", "prices[1].ticketTypeId", "prices[2].category", "prices[3].price"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Blocking_needs_distinct_seats_and_a_reason()
    {
        Assert.Empty(EventSeatingRules.ValidateBlock(new BlockSeatsRequest(["a"], "Press"), blocking: true));
        Assert.Equal(["reason"], EventSeatingRules.ValidateBlock(new BlockSeatsRequest(["a"], " "), blocking: true).Keys);
        Assert.Empty(EventSeatingRules.ValidateBlock(new BlockSeatsRequest(["a"]), blocking: false));
        Assert.Equal(["seatIds"], EventSeatingRules.ValidateBlock(new BlockSeatsRequest(["a", "a"]), blocking: false).Keys);
        Assert.Equal(["seatIds"], EventSeatingRules.ValidateBlock(new BlockSeatsRequest([]), blocking: false).Keys);
    }
}
