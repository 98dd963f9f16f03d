using Bunit;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Seating;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>The seat map (<see cref="SeatMapView"/>) and its table (<see cref="SeatTable"/>): what is drawn, named and selectable.</summary>
public sealed class SeatMapTests : BunitContext
{
    private static readonly MapCategory[] Categories = [new("stalls-a", "Stalls A", "#b22222"), new("stalls-b", "Stalls B", "#1e90ff")];

    public SeatMapTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private static List<MapSeat> Grid(int rows, int perRow) =>
        [.. Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(1, perRow).Select(n =>
            new MapSeat($"stalls-{(char)('A' + r)}-{n}", "Stalls", ((char)('A' + r)).ToString(), n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                n * 10, r * 12, "stalls-a", SeatMarks.None)))];

    private IRenderedComponent<SeatMapView> Map(IReadOnlyList<MapSeat> seats, SeatSelection selection = SeatSelection.Multiple, HashSet<string>? selected = null,
        Action<MapSeat>? toggled = null) =>
        Render<SeatMapView>(p => p.Add(x => x.Seats, seats).Add(x => x.Categories, Categories).Add(x => x.Label, "Seat map of Harbour Hall")
            .Add(x => x.Selection, selection).Add(x => x.Selected, selected ?? []).Add(x => x.OnToggle, (MapSeat s) => toggled?.Invoke(s)));

    [Fact]
    public void Every_seat_is_drawn_once_with_a_label_naming_its_row_number_area_and_category()
    {
        var map = Map(Grid(5, 10));

        var seats = map.FindAll("[data-testid=seat]");
        Assert.Equal(50, seats.Count);
        Assert.Equal("Row A, seat 1, Stalls, Stalls A", seats[0].GetAttribute("aria-label"));
        Assert.Equal("Row E, seat 10, Stalls, Stalls A", seats[^1].GetAttribute("aria-label"));
        Assert.Equal("Seat map of Harbour Hall", map.Find("svg[data-testid=seat-map-svg]").GetAttribute("aria-label"));
        Assert.All(seats, s => Assert.Equal("checkbox", s.GetAttribute("role")));
        // One Tab stop (a roving tabindex): the first seat for sale until the focus moves; the arrow keys reach the others.
        Assert.Equal(["0", .. Enumerable.Repeat("-1", 49)], seats.Select(s => s.GetAttribute("tabindex")));
        // Drawn where the plan puts it, whatever the page's culture (a decimal point, never a comma).
        Assert.Equal("translate(10 12)", seats[10].GetAttribute("transform"));
        Assert.Contains("Stalls A", map.Find("[data-testid=seat-map-legend]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Enter")]
    [InlineData(" ")]
    public void Enter_or_space_on_a_seat_toggles_it_and_other_keys_do_not(string key)
    {
        var toggled = new List<string>();
        var map = Map(Grid(1, 3), toggled: s => toggled.Add(s.Id));

        map.FindAll("[data-testid=seat]")[1].KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "a" });
        map.FindAll("[data-testid=seat]")[1].KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Tab" });
        Assert.Empty(toggled);

        map.FindAll("[data-testid=seat]")[1].KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = key });
        Assert.Equal(["stalls-A-2"], toggled);
    }

    [Fact]
    public void A_selected_seat_is_checked_and_ringed_and_a_map_without_selection_offers_no_focus_stops()
    {
        var selected = Map(Grid(1, 3), selected: ["stalls-A-3"]);
        var seats = selected.FindAll("[data-testid=seat]");
        Assert.Equal(["false", "false", "true"], seats.Select(s => s.GetAttribute("aria-checked")));
        Assert.Single(selected.FindAll("[data-testid=seat] .seat-ring"), r => r.ParentElement?.GetAttribute("data-seat") == "stalls-A-3");

        var toggled = 0;
        var view = Map(Grid(1, 3), SeatSelection.None, toggled: _ => toggled++);
        var plain = view.FindAll("[data-testid=seat]");
        Assert.All(plain, s => Assert.Equal("img", s.GetAttribute("role")));
        Assert.All(plain, s => Assert.False(s.HasAttribute("tabindex")));
        Assert.All(plain, s => Assert.False(s.HasAttribute("aria-checked")));
        plain[0].Click();
        Assert.Equal(0, toggled);
    }

    [Fact]
    public void A_gap_is_hollow_and_every_mark_and_state_has_its_own_shape_and_words()
    {
        MapSeat[] seats =
        [
            new("s-A-1", "Stalls", "A", "1", 0, 0, "stalls-a", SeatMarks.None, Present: false),
            new("s-A-2", "Stalls", "A", "2", 10, 0, "stalls-a", SeatMarks.Wheelchair),
            new("s-A-3", "Stalls", "A", "3", 20, 0, "stalls-b", SeatMarks.Companion),
            new("s-A-4", "Stalls", "A", "4", 30, 0, "stalls-b", SeatMarks.RestrictedView, State: SeatState.Taken),
            new("s-A-5", "Stalls", "A", "5", 40, 0, "stalls-b", SeatMarks.None, State: SeatState.Blocked),
        ];
        var map = Map(seats);
        var drawn = map.FindAll("[data-testid=seat]");

        Assert.Equal("false", drawn[0].GetAttribute("data-present"));
        Assert.Contains("seat-gap", drawn[0].ClassList);
        Assert.Equal("none", drawn[0].QuerySelector(".seat-shape")!.GetAttribute("fill"));
        Assert.Equal("Row A, seat 1, Stalls, Stalls A, gap", drawn[0].GetAttribute("aria-label"));

        Assert.Equal("rect", drawn[1].QuerySelector(".seat-shape")!.TagName, StringComparer.OrdinalIgnoreCase);
        Assert.EndsWith("wheelchair space", drawn[1].GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal("polygon", drawn[2].QuerySelector(".seat-shape")!.TagName, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("Row A, seat 3, Stalls, Stalls B, companion seat", drawn[2].GetAttribute("aria-label"));
        Assert.Equal(2, drawn[3].QuerySelectorAll("line.seat-mark").Length);
        Assert.Equal("Row A, seat 4, Stalls, Stalls B, restricted view, held or sold", drawn[3].GetAttribute("aria-label"));
        Assert.Single(drawn[4].QuerySelectorAll("path.seat-cross"));
        Assert.Equal("Blocked", drawn[4].GetAttribute("data-state"));
        Assert.EndsWith("blocked", drawn[4].GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_lists_the_same_seats_in_words_and_its_check_boxes_select_them()
    {
        var toggled = new List<string>();
        MapSeat[] seats = [new("s-A-1", "Stalls", "A", "1", 0, 0, "stalls-a", SeatMarks.Wheelchair | SeatMarks.Companion), new("s-A-2", "Stalls", "A", "2", 10, 0, "stalls-b", SeatMarks.None, Present: false)];
        var table = Render<SeatTable>(p => p.Add(x => x.Seats, seats).Add(x => x.Categories, Categories).Add(x => x.Caption, "Every seat")
            .Add(x => x.Selection, SeatSelection.Multiple).Add(x => x.Selected, new HashSet<string> { "s-A-2" }).Add(x => x.OnToggle, (MapSeat s) => toggled.Add(s.Id)));

        var rows = table.FindAll("[data-testid=seat-row]");
        Assert.Equal(2, rows.Count);
        Assert.Equal("wheelchair space, companion seat", rows[0].QuerySelector("[data-testid=seat-details]")!.TextContent);
        Assert.Contains("Stalls B", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("Select row A, seat 1, Stalls", rows[0].QuerySelector("input")!.GetAttribute("aria-label"));
        Assert.True(table.FindAll("[data-testid=seat-check]")[1].HasAttribute("checked"));
        table.FindAll("[data-testid=seat-check]")[0].Change(true);
        Assert.Equal(["s-A-1"], toggled);
    }

    [Fact]
    public void A_big_halls_table_starts_at_the_first_row_with_a_free_seat_and_its_select_shows_any_row_or_all()
    {
        // 15 rows of 20 (300 seats, more than the table lists at once); row A is sold out.
        var seats = Grid(15, 20).Select(s => s with { State = s.Row == "A" ? SeatState.Taken : SeatState.Available }).ToList();
        var table = Render<SeatTable>(p => p.Add(x => x.Seats, seats).Add(x => x.Categories, Categories).Add(x => x.Caption, "Every seat")
            .Add(x => x.Selection, SeatSelection.Multiple).Add(x => x.Selected, new HashSet<string> { "stalls-C-3" }));

        Assert.True(seats.Count > SeatTable.WholeListLimit);
        var rows = table.FindAll("[data-testid=seat-row]");
        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.StartsWith("stalls-B-", r.GetAttribute("data-seat"), StringComparison.Ordinal));
        var options = table.FindAll("[data-testid=seat-table-rows] option");
        Assert.Equal(16, options.Count);
        Assert.Equal("All rows (300 seats)", options[0].TextContent);
        Assert.Equal("Stalls, row A (0 free)", options[1].TextContent);
        Assert.Equal("Stalls, row B (20 free)", options[2].TextContent);
        Assert.Equal("Show", table.Find($"label[for='{table.Find("[data-testid=seat-table-rows]").Id}']").TextContent);

        // Another row keeps the selection made in it; all rows lists every seat.
        table.Find("[data-testid=seat-table-rows]").Change(options[3].GetAttribute("value"));
        Assert.All(table.FindAll("[data-testid=seat-row]"), r => Assert.StartsWith("stalls-C-", r.GetAttribute("data-seat"), StringComparison.Ordinal));
        Assert.True(table.Find("[data-testid=seat-row][data-seat='stalls-C-3'] input").HasAttribute("checked"));
        table.Find("[data-testid=seat-table-rows]").Change("");
        Assert.Equal(300, table.FindAll("[data-testid=seat-row]").Count);
    }

    [Fact]
    public void A_small_halls_table_lists_every_seat_and_a_plans_rows_count_their_seats()
    {
        var table = Render<SeatTable>(p => p.Add(x => x.Seats, Grid(3, 10)).Add(x => x.Categories, Categories).Add(x => x.Caption, "Every seat"));

        Assert.Equal(30, table.FindAll("[data-testid=seat-row]").Count);
        Assert.Equal("Stalls, row C (10 seats)", table.FindAll("[data-testid=seat-table-rows] option")[^1].TextContent);
    }

    [Fact]
    public void An_events_map_reads_its_columns_flags_and_blocked_seats_and_names_are_made_keys()
    {
        var map = new SeatMapDto(Guid.CreateVersion7(), Guid.CreateVersion7(), "Hall", 3, "EUR",
            [new SeatMapCategoryDto("stalls-a", "Stalls A", null, Guid.CreateVersion7(), 50m)],
            [
                new SeatMapAreaDto("stalls", "Stalls", "Reserved", null, null, null, null,
                    new SeatColumnsDto(["a", "b", "c"], ["A", "A", "A"], ["1", "2", "3"], [0, 10, 20], [0, 0, 0], [0, 0, 0], [1, 6, 0], [true, false, false])),
                new SeatMapAreaDto("standing", "Standing", "GeneralAdmission", Guid.CreateVersion7(), 20m, 100, 90, null),
            ]);

        var seats = MapSeat.FromEvent(map, new HashSet<string> { "c" });

        Assert.Equal([SeatState.Available, SeatState.Taken, SeatState.Blocked], seats.Select(s => s.State));
        Assert.Equal([SeatMarks.Wheelchair, SeatMarks.Companion | SeatMarks.RestrictedView, SeatMarks.None], seats.Select(s => s.Marks));
        Assert.Equal("#1565c0", Assert.Single(MapSeat.Categories([("stalls-a", "Stalls A", null)])).Color);
        Assert.Equal("stalls-a", PlanInput.Slug("Stalls A"));
        Assert.Equal("parkett-uber-buhne", PlanInput.Slug("  Parkett über Bühne! "));
        Assert.Equal("", PlanInput.Slug("!!"));
    }
}
