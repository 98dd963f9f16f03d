using System.Globalization;
using System.Text.RegularExpressions;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The buyer's seat picker in the browser (docs/seating.md "The buyer's picker"): an organizer puts an event on a 3 × 10 plan;
/// an attendee buys seats on the map (by mouse and by keyboard in its one Tab stop), by best available, and in the list by
/// keyboard, and each booking page names the seats it got; a map open elsewhere shows the seats bought go grey without a reload.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_buyer_picks_seats_on_the_map_by_best_available_and_in_the_list_by_keyboard_and_the_booking_names_them()
    {
        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        var (eventPath, _) = await SeatedEventAsync(organizer, "Picker Hall", $"Picked seats {Guid.NewGuid():N}"[..20], rows: 3, perRow: 10, price: "40");
        await Assertions.Expect(organizer.Locator("[data-testid=seating-counts]")).ToHaveTextAsync("30 available · 0 held or sold · 0 blocked");

        // 1. The map: one seat by mouse, its neighbour by keyboard (the map is one Tab stop; the arrow keys walk the row).
        var attendee = await SignInAsync(DemoData.AttendeeEmail);
        await GoToAsync(attendee, eventPath);
        await attendee.Locator("[data-testid=seat-picker]").WaitForAsync();
        await Assertions.Expect(attendee.Locator("[data-testid=legend-category]")).ToHaveTextAsync(new Regex("^Stalls A: .*40"));
        await Assertions.Expect(attendee.Locator("[data-testid=seat][tabindex='0']")).ToHaveCountAsync(1);
        var b5 = attendee.Locator("[data-testid=seat][data-seat='stalls-B-5']");
        var b6 = attendee.Locator("[data-testid=seat][data-seat='stalls-B-6']");
        await Assertions.Expect(b5).ToHaveAttributeAsync("aria-label", new Regex("^Row B, seat 5, Stalls, Stalls A, .*40.*, available$"));
        await b5.ClickAsync();
        await Assertions.Expect(b5).ToHaveAttributeAsync("aria-checked", "true");
        await b5.FocusAsync();
        await attendee.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(b6).ToBeFocusedAsync();
        await Assertions.Expect(b6).ToHaveAttributeAsync("tabindex", "0");
        await attendee.Keyboard.PressAsync(" ");
        await Assertions.Expect(b6).ToHaveAttributeAsync("aria-checked", "true");
        // Focus stays on the seat after toggling it.
        await Assertions.Expect(b6).ToBeFocusedAsync();
        await Assertions.Expect(attendee.Locator("[data-testid=seat-summary]")).ToContainTextAsync("Seats selected: 2");
        await AssertNoAxeViolationsAsync(attendee, "the seat picker's map with two seats selected");
        // Someone else has the map open: the seats this booking takes turn grey there without a reload (the web's availability feed).
        await GoToAsync(organizer, eventPath);
        await organizer.Locator("[data-testid=seat-picker]").WaitForAsync();
        var watchedB5 = organizer.Locator("[data-testid=seat][data-seat='stalls-B-5']");
        await Assertions.Expect(watchedB5).ToHaveAttributeAsync("data-state", "Available");
        await attendee.ClickAsync("[data-testid=book]");
        await attendee.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));
        await Assertions.Expect(watchedB5).ToHaveAttributeAsync("data-state", "Taken");
        var booked = attendee.Locator("[data-testid=booking-seats]");
        await Assertions.Expect(booked).ToContainTextAsync("Stalls, row B, seat 5");
        await Assertions.Expect(booked).ToContainTextAsync("Stalls, row B, seat 6");

        // 2. Best available: two together; the seats taken by the first booking are grey on the map.
        await GoToAsync(attendee, eventPath);
        await attendee.Locator("[data-testid=seat-picker]").WaitForAsync();
        await Assertions.Expect(b5).ToHaveAttributeAsync("data-state", "Taken");
        await attendee.ClickAsync("[data-testid=mode-best]");
        await attendee.FillAsync("#party-stalls-a", "2");
        await attendee.PressAsync("#party-stalls-a", "Tab");
        await Assertions.Expect(attendee.Locator("[data-testid=seat-summary]")).ToContainTextAsync("Places asked for: 2");
        await attendee.ClickAsync("[data-testid=book]");
        await attendee.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));
        await Assertions.Expect(attendee.Locator("[data-testid=booking-seats]")).ToHaveTextAsync(new Regex(@"^Seats: Stalls, row [A-C], seat \d+; Stalls, row [A-C], seat \d+$"));

        // 3. The list by keyboard: Tab to row C seat 1's check box, Space selects it; the map shows the same selection.
        await GoToAsync(attendee, eventPath);
        await attendee.Locator("[data-testid=seat-picker]").WaitForAsync();
        await attendee.Locator("[data-testid=mode-list]").FocusAsync();
        await attendee.Keyboard.PressAsync("Enter");
        await Assertions.Expect(attendee.Locator("[data-testid=mode-list]")).ToHaveAttributeAsync("aria-pressed", "true");
        var c1 = attendee.Locator("[data-testid=seat-row][data-seat='stalls-C-1'] input");
        await c1.FocusAsync();
        await attendee.Keyboard.PressAsync(" ");
        await Assertions.Expect(c1).ToBeCheckedAsync();
        await Assertions.Expect(c1).ToBeFocusedAsync();
        await AssertNoAxeViolationsAsync(attendee, "the seat picker's list");
        await attendee.ClickAsync("[data-testid=mode-map]");
        await Assertions.Expect(attendee.Locator("[data-testid=seat][data-seat='stalls-C-1']")).ToHaveAttributeAsync("aria-checked", "true");
        await attendee.ClickAsync("[data-testid=book]");
        await attendee.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));
        await Assertions.Expect(attendee.Locator("[data-testid=booking-seats]")).ToHaveTextAsync("Seats: Stalls, row C, seat 1");
    }

    /// <summary>
    /// As <paramref name="organizer"/>, in the web: a venue plan "<paramref name="planPrefix"/> …" of one reserved area, Stalls,
    /// of <paramref name="rows"/> rows from A × <paramref name="perRow"/> seats in one category, Stalls A; a published event
    /// <paramref name="title"/> put on it at <paramref name="price"/>. The event's path and id.
    /// </summary>
    private async Task<(string EventPath, string EventId)> SeatedEventAsync(IPage organizer, string planPrefix, string title, int rows, int perRow, string price)
    {
        await GoToAsync(organizer, "/organizer/venue-plans");
        var planName = $"{planPrefix} {Guid.NewGuid():N}"[..20];
        await organizer.FillAsync("#plan-name", planName);
        await organizer.FillAsync("#category-name-0", "Stalls A");
        await organizer.PressAsync("#category-name-0", "Tab");
        await organizer.ClickAsync("[data-testid=plan-create]");
        await organizer.Locator("[data-testid=no-areas]").WaitForAsync();
        await organizer.FillAsync("#area-name", "Stalls");
        await organizer.FillAsync("#area-first-row", "A");
        await organizer.FillAsync("#area-rows", rows.ToString(CultureInfo.InvariantCulture));
        await organizer.FillAsync("#area-per-row", perRow.ToString(CultureInfo.InvariantCulture));
        await organizer.PressAsync("#area-per-row", "Tab");
        await organizer.ClickAsync("[data-testid=area-add]");
        await Assertions.Expect(organizer.Locator("[data-testid=seat-map-svg] [data-testid=seat]")).ToHaveCountAsync(rows * perRow);

        var eventPath = await CreatePublishedEventAsync(organizer, title, (rows * perRow).ToString(CultureInfo.InvariantCulture));
        var eventId = eventPath.Split('/')[^1];
        await GoToAsync(organizer, $"/organizer/events/{eventId}/seating");
        await organizer.ClickAsync("[data-testid=seating-plan]");
        await organizer.Locator(".mud-popover-open .mud-list-item", new() { HasText = planName }).ClickAsync();
        await organizer.FillAsync("#seating-price-0", price);
        await organizer.PressAsync("#seating-price-0", "Tab");
        await organizer.ClickAsync("[data-testid=seating-save]");
        await organizer.Locator("[data-testid=seating-counts]").WaitForAsync();
        return (eventPath, eventId);
    }
}
