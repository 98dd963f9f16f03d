using System.Net;
using System.Text.Json;
using Bunit;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Pages;
using EventBooking.Web.Components.Shared;
using Error = EventBooking.ServiceDefaults.Error;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The buyer's seat picker on a seated event's page (<see cref="EventBooking.Web.Components.Seating.SeatPicker"/>), over
/// <see cref="StubApi"/>: the map and the list share one selection, best available asks by count, a seat others take is dropped,
/// and the booking's body says which seats (a general-admission booking's is what it always was).
/// </summary>
public sealed class SeatPickerTests : PageTestContext
{
    private readonly Guid _eventId = Guid.CreateVersion7();
    private readonly Guid _typeA = Guid.CreateVersion7();
    private readonly Guid _typeB = Guid.CreateVersion7();
    private readonly Guid _standingType = Guid.CreateVersion7();

    public SeatPickerTests()
    {
        var startsAt = DateTimeOffset.UtcNow.AddDays(30);
        Api.Ok($"/api/events/{_eventId}", new EventDto(_eventId, "Seated Gig", "A gig with seats.", "Harbour Hall", "Oslo", startsAt, startsAt.AddHours(3), "Europe/Oslo",
                "music", 106, 25m, "EUR", Guid.CreateVersion7(), "Published", null, startsAt, startsAt, startsAt, null, null, 0, 0))
            .Ok($"/api/events/{_eventId}/availability", new { eventId = _eventId, capacity = 106, available = 105, held = 1, sold = 0 })
            .Ok($"/api/events/{_eventId}/reviews/summary", new { averageRating = (double?)null, count = 0 })
            .Ok($"/api/events/{_eventId}/reviews", new Paged<ReviewDto>([], 1, 20, 0))
            .Ok($"/api/events/{_eventId}/seating", new SeatMapDto(_eventId, Guid.CreateVersion7(), "Harbour Hall", 7, "EUR",
                [new SeatMapCategoryDto("stalls-a", "Category A", "#b22222", _typeA, 40m), new SeatMapCategoryDto("stalls-b", "Category B", null, _typeB, 25m)],
                [
                    new SeatMapAreaDto("stalls", "Stalls", "Reserved", null, null, null, null,
                        new SeatColumnsDto(["stalls-A-1", "stalls-A-2", "stalls-A-3", "stalls-B-1", "stalls-B-2", "stalls-B-3"], ["A", "A", "A", "B", "B", "B"],
                            ["1", "2", "3", "1", "2", "3"], [0, 10, 20, 0, 10, 20], [0, 0, 0, 12, 12, 12], [0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 1, 0],
                            [true, true, false, true, true, true])),
                    new SeatMapAreaDto("standing", "Standing", "GeneralAdmission", _standingType, 20m, 100, 100, null),
                ]))
            .Ok($"/api/events/{_eventId}/seating/availability", new { version = 7, unavailable = new[] { "stalls-A-3" }, areas = new Dictionary<string, int> { ["standing"] = 100 } });
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private IRenderedComponent<EventDetails> Page()
    {
        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));
        page.WaitForElement("[data-testid=seat-picker]");
        return page;
    }

    private static AngleSharp.Dom.IElement Seat(IRenderedComponent<EventDetails> page, string id) => page.Find($"[data-testid=seat][data-seat='{id}']");

    private JsonElement[] BookedLines() =>
        [.. JsonDocument.Parse(Api.BodyOf("POST /api/bookings")!).RootElement.GetProperty("lines").EnumerateArray()];

    [Fact]
    public void Seats_picked_on_the_map_are_named_with_their_price_summed_up_and_booked_by_id()
    {
        Api.Refuse("/api/bookings", new Error("too-many-requests", ErrorKind.TooMany, "Slow down."));
        var page = Page();

        Assert.Equal("Row A, seat 1, Stalls, Category A, 40.00 EUR, available", Seat(page, "stalls-A-1").GetAttribute("aria-label"));
        Assert.EndsWith("held or sold", Seat(page, "stalls-A-3").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal(["Category A: 40.00 EUR", "Category B: 25.00 EUR"], page.FindAll("[data-testid=legend-category]").Select(l => l.TextContent.Trim()));
        // The map is one Tab stop.
        Assert.Single(page.FindAll("[data-testid=seat][tabindex='0']"));
        Assert.True(page.Find("[data-testid=book]").HasAttribute("disabled"));

        Seat(page, "stalls-A-1").Click();
        Seat(page, "stalls-B-2").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        // A taken seat is not selected: the buyer is told why.
        Seat(page, "stalls-A-3").Click();

        page.WaitForAssertion(() => Assert.Equal("Seats selected: 2 (Row A, seat 1, Stalls; Row B, seat 2, Stalls). Total 65.00 EUR.",
            page.Find("[data-testid=seat-summary]").TextContent.Trim()));
        Assert.Equal("Row A, seat 3, Stalls is not available.", page.Find("[data-testid=seat-notice]").TextContent.Trim());
        Assert.Equal("true", Seat(page, "stalls-A-1").GetAttribute("aria-checked"));
        Assert.Equal("65.00 EUR", page.Find("[data-testid=total]").TextContent.Trim());

        page.Find("[data-testid=book]").Click();
        page.WaitForAssertion(() => Assert.NotNull(Api.BodyOf("POST /api/bookings")));
        var lines = BookedLines();
        Assert.Equal(2, lines.Length);
        Assert.Equal(_typeA, lines[0].GetProperty("ticketTypeId").GetGuid());
        Assert.Equal(["stalls-A-1"], lines[0].GetProperty("seatIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["stalls-B-2"], lines[1].GetProperty("seatIds").EnumerateArray().Select(e => e.GetString()));
        Assert.All(lines, l => Assert.False(l.TryGetProperty("quantity", out _)));
        Assert.All(lines, l => Assert.False(l.TryGetProperty("bestAvailable", out _)));
    }

    [Fact]
    public void The_list_shows_the_maps_selection_and_adds_to_it()
    {
        var page = Page();
        Seat(page, "stalls-A-2").Click();

        page.Find("[data-testid=mode-list]").Click();
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=mode-list]").GetAttribute("aria-pressed")));
        var checks = page.FindAll("[data-testid=seat-check]");
        Assert.Equal(6, checks.Count);
        Assert.True(page.Find("[data-testid=seat-row][data-seat='stalls-A-2'] input").HasAttribute("checked"));
        page.Find("[data-testid=seat-row][data-seat='stalls-B-3'] input").Change(true);

        page.Find("[data-testid=mode-map]").Click();
        page.WaitForAssertion(() => Assert.Equal("true", Seat(page, "stalls-A-2").GetAttribute("aria-checked")));
        Assert.Equal("true", Seat(page, "stalls-B-3").GetAttribute("aria-checked"));
        page.WaitForAssertion(() => Assert.Equal("65.00 EUR", page.Find("[data-testid=total]").TextContent.Trim()));
    }

    [Fact]
    public void Best_available_asks_for_a_count_per_category_with_its_options_and_standing_places_by_count()
    {
        Api.Refuse("/api/bookings", new Error("seats-not-together", ErrorKind.Conflict, "No block left."));
        var page = Page();

        page.Find("[data-testid=mode-best]").Click();
        // The availability feed renders the picker from its own thread too: the click's render may land after it.
        page.WaitForElement("#party-stalls-a").Change("3");
        page.Find("#wheelchair-stalls-a").Change("1");
        page.Find("[data-testid=allow-restricted] input, input[data-testid=allow-restricted]").Change(true);
        page.Find("#standing-standing").Change("2");
        page.WaitForAssertion(() => Assert.Equal("Places asked for: 5. Total 160.00 EUR.", page.Find("[data-testid=seat-summary]").TextContent.Trim()));

        page.Find("[data-testid=book]").Click();
        page.WaitForAssertion(() => Assert.Equal(
            "That many seats side by side are no longer available in this category. Allow the seats to be split, or choose fewer.",
            page.Find("[data-testid=problem]").TextContent.Trim()));
        var lines = BookedLines();
        Assert.Equal(2, lines.Length);
        Assert.Equal(_typeA, lines[0].GetProperty("ticketTypeId").GetGuid());
        Assert.Equal(3, lines[0].GetProperty("quantity").GetInt32());
        Assert.Equal("""{"allowSplit":false,"wheelchairSpaces":1,"allowRestrictedView":true}""", lines[0].GetProperty("bestAvailable").GetRawText());
        Assert.False(lines[0].TryGetProperty("seatIds", out _));
        Assert.Equal($$"""{"ticketTypeId":"{{_standingType}}","quantity":2}""", lines[1].GetRawText());
    }

    [Fact]
    public void A_selected_seat_someone_else_takes_is_greyed_dropped_and_the_buyer_told()
    {
        var page = Page();
        Seat(page, "stalls-A-1").Click();
        Seat(page, "stalls-A-2").Click();
        page.WaitForAssertion(() => Assert.Equal("80.00 EUR", page.Find("[data-testid=total]").TextContent.Trim()));

        Api.Ok($"/api/events/{_eventId}/seating/availability", new { version = 8, unavailable = new[] { "stalls-A-2" }, areas = new Dictionary<string, int> { ["standing"] = 99 } });

        // The picker polls about every second: wait (with a generous deadline) for it to see version 8.
        page.WaitForAssertion(() => Assert.Equal(
            "Sorry, someone else has just taken these seats, so they were removed from your selection: Row A, seat 2, Stalls.",
            page.Find("[data-testid=seat-notice]").TextContent.Trim()), TimeSpan.FromSeconds(30));
        Assert.Equal("false", Seat(page, "stalls-A-2").GetAttribute("aria-checked"));
        Assert.Equal("Taken", Seat(page, "stalls-A-2").GetAttribute("data-state"));
        // A seat that came back (stalls-A-3) is for sale again.
        Assert.Equal("Available", Seat(page, "stalls-A-3").GetAttribute("data-state"));
        Assert.Equal("true", Seat(page, "stalls-A-1").GetAttribute("aria-checked"));
        Assert.Equal("40.00 EUR", page.Find("[data-testid=total]").TextContent.Trim());
        Assert.Contains($"GET /api/events/{_eventId}/seating/availability", Api.Requests);
    }

    [Fact]
    public void A_booking_refused_for_seats_taken_meanwhile_drops_them_and_says_which()
    {
        Api.Raw("/api/bookings", HttpStatusCode.Conflict,
            """{"status":409,"title":"Seats not available","code":"seat-not-available","seatIds":["stalls-B-1"]}""", "application/problem+json");
        var page = Page();
        Seat(page, "stalls-A-1").Click();
        Seat(page, "stalls-B-1").Click();

        page.Find("[data-testid=book]").Click();

        const string Told = "Sorry, these seats were taken before your booking and were removed from your selection: Row B, seat 1, Stalls. Choose others and book again.";
        page.WaitForAssertion(() => Assert.Equal(Told, page.Find("[data-testid=problem]").TextContent.Trim()));
        Assert.Equal(Told, page.Find("[data-testid=seat-notice]").TextContent.Trim());
        Assert.Equal("Taken", Seat(page, "stalls-B-1").GetAttribute("data-state"));
        Assert.Equal("false", Seat(page, "stalls-B-1").GetAttribute("aria-checked"));
        Assert.Equal("true", Seat(page, "stalls-A-1").GetAttribute("aria-checked"));
    }

    [Fact]
    public void A_general_admission_booking_sends_what_it_always_sent_and_reads_no_seat_availability()
    {
        var gaId = Guid.CreateVersion7();
        var startsAt = DateTimeOffset.UtcNow.AddDays(30);
        var type = new TicketTypeDto(Guid.CreateVersion7(), gaId, "Standard", null, 12.5m, "EUR", null, 5, true, null, null, 4, TicketTypeVisibility.Public, 0, null, null);
        Api.Ok($"/api/events/{gaId}", new EventDto(gaId, "Stub Gig", "A gig.", "Hall", "Oslo", startsAt, startsAt.AddHours(3), "Europe/Oslo",
                "music", 10, 12.5m, "EUR", Guid.CreateVersion7(), "Published", null, startsAt, startsAt, startsAt, null, null, 5, 1))
            .Ok($"/api/events/{gaId}/availability", new { eventId = gaId, capacity = 10, available = 5, held = 0, sold = 5 })
            .Ok($"/api/events/{gaId}/ticket-types", new[] { type })
            .Refuse($"/api/events/{gaId}/seating", new Error("event-not-seated", ErrorKind.NotFound, "No plan."))
            .Refuse("/api/bookings", new Error("sold-out", ErrorKind.Conflict, "Sold out."));
        var page = Render<EventDetails>(p => p.Add(x => x.Id, gaId));

        page.WaitForElement("#quantity").Change("2");
        page.Find("[data-testid=book]").Click();

        page.WaitForAssertion(() => Assert.NotNull(Api.BodyOf("POST /api/bookings")));
        Assert.Empty(page.FindAll("[data-testid=seat-picker]"));
        Assert.Equal($$"""{"eventId":"{{gaId}}","lines":[{"ticketTypeId":"{{type.Id}}","quantity":2}]}""", Api.BodyOf("POST /api/bookings"));
        Assert.DoesNotContain(Api.Requests, r => r.Contains("/seating/availability", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ticket_with_a_seat_names_it_and_one_without_does_not()
    {
        var seated = new TicketDto(Guid.CreateVersion7(), Guid.CreateVersion7(), _eventId, "T-1", 1, "code-1", "Valid", DateTimeOffset.UtcNow,
            TicketTypeName: "Category A", Seat: new BookedSeatDto("stalls-F-12", "Stalls", "F", "12"));
        // bookings-api keeps the area's name on the seat.
        var card = Render<TicketCard>(p => p.Add(x => x.Ticket, seated));
        Assert.Equal("Stalls, row F, seat 12", card.Find("[data-testid=ticket-seat]").TextContent.Trim());

        var standing = Render<TicketCard>(p => p.Add(x => x.Ticket, seated with { Seat = null }));
        Assert.Empty(standing.FindAll("[data-testid=ticket-seat]"));
    }
}
