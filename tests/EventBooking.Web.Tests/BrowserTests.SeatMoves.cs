using System.Text.RegularExpressions;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// Moving a booking to other seats in the browser (issue 24): an organizer blocks a seat, which the buyer sees as not for sale
/// and cannot pick; the buyer books and pays a seat; the organizer moves it from the attendee list by keyboard, with a reason;
/// the buyer's booking names the new seat, their notifications say so, and the old seat is for sale again on the map.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task An_organizer_moves_a_buyers_seat_the_buyer_sees_the_new_seat_and_is_told_and_a_blocked_seat_cannot_be_picked()
    {
        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        var title = $"Moved seats {Guid.NewGuid():N}"[..20];
        var (eventPath, eventId) = await SeatedEventAsync(organizer, "Move Hall", title, rows: 2, perRow: 6, price: "30");

        // A3 is blocked (the press), by keyboard on the organizer's map.
        var blocked = organizer.Locator("[data-testid=seat][data-seat='stalls-A-3']");
        await blocked.FocusAsync();
        await organizer.Keyboard.PressAsync("Enter");
        await organizer.FillAsync("#block-reason", "Press");
        await organizer.PressAsync("#block-reason", "Enter");
        await organizer.Locator("[data-testid=blocked-seats]").WaitForAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=seating-counts]")).ToHaveTextAsync("11 available · 0 held or sold · 1 blocked");

        // The buyer: the blocked seat is not for sale on the map and picking it selects nothing; A1 is bought and paid.
        var attendee = await SignInAsync(DemoData.AttendeeEmail);
        await GoToAsync(attendee, eventPath);
        await attendee.Locator("[data-testid=seat-picker]").WaitForAsync();
        var a3 = attendee.Locator("[data-testid=seat][data-seat='stalls-A-3']");
        await Assertions.Expect(a3).ToHaveAttributeAsync("data-state", "Taken");
        await Assertions.Expect(a3).ToHaveAttributeAsync("aria-label", new Regex("held or sold$"));
        await a3.ClickAsync();
        await Assertions.Expect(attendee.Locator("[data-testid=seat-notice]")).ToHaveTextAsync("Row A, seat 3, Stalls is not available.");
        await Assertions.Expect(a3).ToHaveAttributeAsync("aria-checked", "false");
        await attendee.Locator("[data-testid=seat][data-seat='stalls-A-1']").ClickAsync();
        await Assertions.Expect(attendee.Locator("[data-testid=seat-summary]")).ToContainTextAsync("Seats selected: 1 (Row A, seat 1, Stalls)");
        await attendee.ClickAsync("[data-testid=book]");
        await attendee.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));
        var bookingPath = new Uri(attendee.Url).AbsolutePath;
        await attendee.FillAsync("#card-number", "4242 4242 4242 4242");
        await attendee.ClickAsync("[data-testid=pay]");
        await attendee.Locator("[data-testid=confirmation]").WaitForAsync();
        await Assertions.Expect(attendee.Locator("[data-testid=booking-seats]")).ToHaveTextAsync("Seats: Stalls, row A, seat 1");

        // The organizer moves A1 to A5 from the attendee list, by keyboard: the select offers free seats of the category only.
        await GoToAsync(organizer, $"/organizer/events/{eventId}/attendees");
        var row = organizer.Locator("[data-testid=attendees] tbody tr", new() { HasText = bookingPath.Split('/')[^1][^8..] });
        await Assertions.Expect(row.Locator("[data-testid=attendee-seats]")).ToHaveTextAsync("Stalls, row A, seat 1");
        await row.Locator("[data-testid=move-seats]").ClickAsync();
        var choice = organizer.GetByLabel("New seat for Stalls, row A, seat 1");
        await choice.WaitForAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=move-current]")).ToHaveTextAsync("Seats: Stalls, row A, seat 1");
        // Neither the blocked seat nor the booking's own is offered (each checked first, so a failure names the seat): the ten
        // free seats and "keep this seat".
        await Assertions.Expect(choice.Locator("option[value='stalls-A-3']")).ToHaveCountAsync(0);
        await Assertions.Expect(choice.Locator("option[value='stalls-A-1']")).ToHaveCountAsync(0);
        await Assertions.Expect(choice.Locator("option")).ToHaveCountAsync(11);
        await AssertNoAxeViolationsAsync(organizer, "the seat move page");
        await choice.FocusAsync();
        await choice.SelectOptionAsync("stalls-A-5");
        await organizer.FillAsync("#move-reason", "Seat A1 is broken.");
        await organizer.PressAsync("#move-reason", "Tab");
        await organizer.Locator("[data-testid=move-submit]").PressAsync("Enter");
        await Assertions.Expect(organizer.Locator("[data-testid=move-done]"))
            .ToHaveTextAsync("Seats moved: Stalls, row A, seat 1 → Stalls, row A, seat 5. The attendee is told.");
        await Assertions.Expect(organizer.Locator("[data-testid=move-status]")).ToHaveTextAsync(new Regex("^Seats moved: "));
        await Assertions.Expect(organizer.Locator("[data-testid=move-current]")).ToHaveTextAsync("Seats: Stalls, row A, seat 5");
        await Assertions.Expect(organizer.Locator("[data-testid=seat][data-seat='stalls-A-1']")).ToHaveAttributeAsync("data-state", "Available");
        await AssertNoAxeViolationsAsync(organizer, "the seat move page after a move");
        await ShotAsync(organizer, "seat-move-done");

        // The buyer: the booking names A5 (its ticket too), the notification tells the move and why, and A1 is for sale again.
        await GoToAsync(attendee, bookingPath);
        await Assertions.Expect(attendee.Locator("[data-testid=booking-seats]")).ToHaveTextAsync("Seats: Stalls, row A, seat 5");
        await Assertions.Expect(attendee.Locator("[data-testid=ticket-seat]")).ToHaveTextAsync("Stalls, row A, seat 5");
        var told = attendee.Locator("[data-testid=notifications] li", new() { HasText = $"New seats for {title}" });
        for (var deadline = DateTime.UtcNow.AddMinutes(1); await told.CountAsync() == 0 && DateTime.UtcNow < deadline;)
        {
            await GoToAsync(attendee, "/notifications"); // booking.seats-moved is on its way through RabbitMQ
        }

        await Assertions.Expect(told).ToHaveCountAsync(1);
        await Assertions.Expect(told).ToContainTextAsync("Seat A1 is broken.");
        await GoToAsync(attendee, eventPath);
        await attendee.Locator("[data-testid=seat-picker]").WaitForAsync();
        await Assertions.Expect(attendee.Locator("[data-testid=seat][data-seat='stalls-A-1']")).ToHaveAttributeAsync("data-state", "Available");
        await Assertions.Expect(attendee.Locator("[data-testid=seat][data-seat='stalls-A-5']")).ToHaveAttributeAsync("data-state", "Taken");
    }
}
