using System.Net;
using Bunit;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Pages.Organizer;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The organizer's seat move (<see cref="MoveSeats"/>) over <see cref="StubApi"/>: each of the booking's seats offers the free
/// seats of its category, the move sends <c>{ moves, reason }</c>, a seat taken meanwhile is named and no longer offered, a field
/// error stands at its seat, and a done move names the new seats.
/// </summary>
public sealed class MoveSeatsTests : PageTestContext
{
    private readonly Guid _eventId = Guid.CreateVersion7();
    private readonly Guid _bookingId = Guid.CreateVersion7();
    private readonly Guid _typeA = Guid.CreateVersion7();
    private string MovePath => $"/api/bookings/{_bookingId}/seats/move";

    public MoveSeatsTests()
    {
        Api.Ok($"/api/bookings/{_bookingId}", Booking("stalls-A-1", "1"))
            .Ok($"/api/events/{_eventId}/seating", Map(available: [false, true, false, true, true]))
            .Ok($"/api/events/{_eventId}/seating/blocked", Array.Empty<BlockedSeatDto>());
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private BookingDto Booking(string seatId, string number)
    {
        var now = DateTimeOffset.UtcNow;
        return new BookingDto(_bookingId, _eventId, "Seated Gig", now.AddDays(30), Guid.CreateVersion7(), 1, 40m, 40m, "EUR", "Confirmed", now, now.AddMinutes(10),
            now, null, null, null, null, null, Lines: [new BookingLineDto(_typeA, "Category A", 1, 40m, 0m, [new BookedSeatDto(seatId, "Stalls", "A", number)])]);
    }

    // Row A seats 1–3 of category A (A1 is the booking's, A3 sold), row B seats 1–2 of category B.
    private SeatMapDto Map(bool[] available) => new(_eventId, Guid.CreateVersion7(), "Harbour Hall", 3, "EUR",
        [new SeatMapCategoryDto("stalls-a", "Category A", null, _typeA, 40m), new SeatMapCategoryDto("stalls-b", "Category B", null, Guid.CreateVersion7(), 25m)],
        [new SeatMapAreaDto("stalls", "Stalls", "Reserved", null, null, null, null,
            new SeatColumnsDto(["stalls-A-1", "stalls-A-2", "stalls-A-3", "stalls-B-1", "stalls-B-2"], ["A", "A", "A", "B", "B"], ["1", "2", "3", "1", "2"],
                [0, 10, 20, 0, 10], [0, 0, 0, 12, 12], [0, 0, 0, 1, 1], [0, 0, 0, 0, 0], available))]);

    private IRenderedComponent<MoveSeats> Page()
    {
        var page = Render<MoveSeats>(p => p.Add(x => x.Id, _eventId).Add(x => x.BookingId, _bookingId));
        page.WaitForElement("[data-testid=move-to]");
        return page;
    }

    private static List<string> Offered(IRenderedComponent<MoveSeats> page) =>
        [.. page.FindAll("[data-testid=move-to] option").Select(o => o.TextContent.Trim())];

    [Fact]
    public void A_seat_offers_the_free_seats_of_its_category_and_one_taken_meanwhile_is_named_and_no_longer_offered()
    {
        Api.Raw(MovePath, HttpStatusCode.Conflict,
            """{"status":409,"title":"Seats not available","code":"seat-not-available","seatIds":["stalls-A-2"]}""", "application/problem+json");
        var page = Page();

        Assert.Equal("New seat for Stalls, row A, seat 1", page.Find("label[for=move-to-0]").TextContent.Trim());
        Assert.Equal(["Keep this seat", "Row A, seat 2, Stalls"], Offered(page));
        Assert.Equal("Seats: Stalls, row A, seat 1", page.Find("[data-testid=move-current]").TextContent.Trim());
        // The map rings the booking's seat.
        Assert.Equal("true", page.Find("[data-testid=seat][data-seat='stalls-A-1']").GetAttribute("data-selected"));

        page.Find("#move-to-0").Change("stalls-A-2");
        page.Find("#move-reason").Change("Seat A1 is broken.");
        // The map is read again after the refusal: A2 is taken now.
        Api.Ok($"/api/events/{_eventId}/seating", Map(available: [false, false, false, true, true]));
        page.Find("[data-testid=move-form]").Submit();

        const string Told = "Nothing was moved: these seats were taken meanwhile: Row A, seat 2, Stalls. Choose others.";
        page.WaitForAssertion(() => Assert.Equal(Told, page.Find("[data-testid=problem]").TextContent.Trim()));
        Assert.Equal(Told, page.Find("[data-testid=move-status]").TextContent.Trim());
        Assert.Equal("""{"moves":[{"from":"stalls-A-1","to":"stalls-A-2"}],"reason":"Seat A1 is broken."}""", Api.BodyOf($"POST {MovePath}"));
        Assert.Equal(["Keep this seat"], Offered(page));
        Assert.Empty(page.FindAll("[data-testid=move-done]"));
    }

    [Fact]
    public void The_bookings_own_seat_is_not_offered_even_when_a_map_older_than_the_booking_calls_it_available()
    {
        // events-api's seat map may be a second older than a booking just bought: A1 still reads as free there.
        Api.Ok($"/api/events/{_eventId}/seating", Map(available: [true, true, false, true, true]));

        Assert.Equal(["Keep this seat", "Row A, seat 2, Stalls"], Offered(Page()));
    }

    [Fact]
    public void A_move_sends_no_reason_when_none_is_given_and_names_the_new_seats()
    {
        Api.Ok(MovePath, Booking("stalls-A-2", "2"));
        var page = Page();

        page.Find("#move-to-0").Change("stalls-A-2");
        page.Find("[data-testid=move-form]").Submit();

        const string Done = "Seats moved: Stalls, row A, seat 1 → Stalls, row A, seat 2. The attendee is told.";
        page.WaitForAssertion(() => Assert.Equal(Done, page.Find("[data-testid=move-done]").TextContent.Trim()));
        Assert.Equal(Done, page.Find("[data-testid=move-status]").TextContent.Trim());
        Assert.Equal("Seats: Stalls, row A, seat 2", page.Find("[data-testid=move-current]").TextContent.Trim());
        Assert.Equal("""{"moves":[{"from":"stalls-A-1","to":"stalls-A-2"}],"reason":null}""", Api.BodyOf($"POST {MovePath}"));
    }

    [Fact]
    public void Nothing_chosen_sends_nothing_and_a_field_error_stands_at_its_seat()
    {
        Api.Raw(MovePath, HttpStatusCode.BadRequest,
            """{"status":400,"title":"Validation failed","code":"validation","errors":{"moves[0].to":["A seat of another category (another price): a move keeps the category."]}}""",
            "application/problem+json");
        var page = Page();

        page.Find("[data-testid=move-form]").Submit();
        Assert.Equal("Choose a new seat for at least one of the seats first.", page.Find("[data-testid=move-status]").TextContent.Trim());
        Assert.DoesNotContain($"POST {MovePath}", Api.Requests);

        page.Find("#move-to-0").Change("stalls-A-2");
        page.Find("[data-testid=move-form]").Submit();

        page.WaitForAssertion(() => Assert.Equal("A seat of another category (another price): a move keeps the category.",
            page.Find("[data-testid=move-error]").TextContent.Trim()));
        Assert.Equal("true", page.Find("#move-to-0").GetAttribute("aria-invalid"));
        Assert.Equal("move-to-0-error", page.Find("#move-to-0").GetAttribute("aria-describedby"));
        Assert.Equal("Nothing was moved: check the seats marked.", page.Find("[data-testid=problem]").TextContent.Trim());
    }

    [Fact]
    public void A_cancelled_booking_offers_no_move()
    {
        Api.Ok($"/api/bookings/{_bookingId}", Booking("stalls-A-1", "1") with { Status = "Cancelled" });
        var page = Render<MoveSeats>(p => p.Add(x => x.Id, _eventId).Add(x => x.BookingId, _bookingId));

        page.WaitForElement("[data-testid=move-not-possible]");
        Assert.Empty(page.FindAll("[data-testid=move-form]"));
        Assert.DoesNotContain($"GET /api/events/{_eventId}/seating", Api.Requests);
    }

    [Fact]
    public void The_attendee_list_names_a_seated_bookings_seats_and_links_to_moving_them()
    {
        var booking = Booking("stalls-A-1", "1");
        Api.Ok($"/api/events/{_eventId}/bookings", new Paged<BookingDto>([booking, booking with { Id = Guid.CreateVersion7(), Status = "Cancelled" }], 1, 50, 2));
        var page = Render<Attendees>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("[data-testid=attendee-seats]");
        Assert.Equal(["Stalls, row A, seat 1", "Stalls, row A, seat 1"], page.FindAll("[data-testid=attendee-seats]").Select(c => c.TextContent.Trim()));
        var link = Assert.Single(page.FindAll("[data-testid=move-seats]"));
        Assert.Equal($"/organizer/events/{_eventId}/bookings/{_bookingId}/move-seats", link.GetAttribute("href"));
        Assert.Equal($"Move seats of booking …{_bookingId.ToString()[^8..]}", link.TextContent.Trim());
    }
}
