using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// Ticket types in the browser: the organizer edits an event's types (a public Standard and a hidden VIP) and a promo code
/// unlocking VIP; attendees see only the public types, apply the code to see and book VIP, book several types at once and read the server's amount and each
/// ticket's type; events-api's refusals show next to the picker in the web's words.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task An_organizer_adds_ticket_types_and_a_code_and_an_attendee_books_several_types_with_the_servers_total()
    {
        var organizer = await fixture.NewPageAsync();
        await RegisterAsync(organizer, "types", accountType: "organizer");
        var title = $"Types Gig {Guid.NewGuid():N}"[..22];
        // A new event sells one type, "Standard", at the event's price (12.50 EUR).
        var eventPath = await CreatePublishedEventAsync(organizer, title, capacity: "50");
        var eventId = eventPath.Split('/')[^1];

        await GoToAsync(organizer, $"/organizer/events/{eventId}/edit");
        var list = organizer.Locator("[data-testid=ticket-type-list]");
        var standardRow = list.Locator("tr", new() { HasText = "Standard" });
        await Assertions.Expect(standardRow.Locator("[data-testid=type-price]")).ToHaveTextAsync("12.50 EUR");
        // With one type the event's price is that type's; with several it is not used, and the editor says so.
        var priceNote = organizer.Locator("[data-testid=types-price-note]");
        await Assertions.Expect(priceNote).ToHaveCountAsync(0);
        // A row's buttons say which type they act on, as words apart ("Edit Standard", not "EditStandard").
        await Assertions.Expect(standardRow.Locator("[data-testid=type-edit]")).ToHaveAccessibleNameAsync("Edit Standard");
        await standardRow.Locator("[data-testid=type-edit]").ClickAsync();
        await Assertions.Expect(organizer.Locator("#type-name")).ToHaveValueAsync("Standard");
        await organizer.FillAsync("#type-max-per-order", "4");
        await organizer.PressAsync("#type-max-per-order", "Tab");
        await organizer.ClickAsync("[data-testid=type-save]");
        await Assertions.Expect(standardRow.Locator("[data-testid=type-max]")).ToHaveTextAsync("4");

        // A type without a name: events-api's field error shows under the name, nothing is added.
        await organizer.FillAsync("#type-price", "40");
        await organizer.PressAsync("#type-price", "Tab");
        await organizer.ClickAsync("[data-testid=type-save]");
        await Assertions.Expect(organizer.GetByText("The name is required.")).ToBeVisibleAsync();
        await Assertions.Expect(list.Locator("tbody tr")).ToHaveCountAsync(1);

        await organizer.FillAsync("#type-name", "VIP");
        await organizer.FillAsync("#type-capacity", "10");
        await organizer.FillAsync("#type-max-per-order", "2");
        await organizer.FillAsync("#type-sort-order", "1");
        await organizer.PressAsync("#type-sort-order", "Tab");
        await organizer.ClickAsync("[data-testid=type-visibility-select]");
        await organizer.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Hidden (unlocked by a code)" }).ClickAsync();
        await Assertions.Expect(organizer.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await organizer.ClickAsync("[data-testid=type-save]");
        var vipRow = list.Locator("tr", new() { HasText = "VIP" });
        await Assertions.Expect(vipRow.Locator("[data-testid=type-visibility]")).ToHaveTextAsync("Hidden (unlocked by a code)");
        await Assertions.Expect(vipRow.Locator("[data-testid=type-price]")).ToHaveTextAsync("40.00 EUR");
        await Assertions.Expect(priceNote).ToContainTextAsync("The event's price above is not used while it sells several types");
        await AssertNoAxeViolationsAsync(organizer, "the ticket-type editor");
        await ScreenshotAsync(organizer, "ticket-types-editor");

        // A code taking 10 % off VIP seats and unlocking them.
        var code = $"VIP{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        await GoToAsync(organizer, $"/organizer/events/{eventId}/promo-codes");
        await organizer.FillAsync("#promo-code", code);
        await organizer.FillAsync("#promo-value", "10");
        await organizer.PressAsync("#promo-value", "Tab");
        await organizer.Locator("[data-testid=promo-scope]").GetByRole(AriaRole.Checkbox, new() { Name = "VIP" }).CheckAsync();
        await organizer.Locator("[data-testid=promo-unlocks]").GetByRole(AriaRole.Checkbox, new() { Name = "VIP" }).CheckAsync();
        await organizer.ClickAsync("[data-testid=promo-create]");
        var codeRow = organizer.Locator("[data-testid=promo-codes] tr", new() { HasText = code });
        await Assertions.Expect(codeRow.Locator("[data-testid=promo-types]")).ToHaveTextAsync("VIP; unlocks VIP");

        // The attendee sees only the public type, as simply as an event with one type always looked.
        var attendee = await fixture.NewPageAsync();
        await RegisterAsync(attendee, "types-buyer");
        await GoToAsync(attendee, eventPath);
        await attendee.Locator("[data-testid=book]").WaitForAsync();
        var panel = attendee.Locator("[data-testid=booking-panel]");
        await Assertions.Expect(panel).Not.ToContainTextAsync("VIP");
        await Assertions.Expect(attendee.Locator("[data-testid=ticket-types]")).ToHaveCountAsync(0);
        await attendee.FillAsync("#quantity", "2");
        await attendee.PressAsync("#quantity", "Tab");
        await Assertions.Expect(attendee.Locator("[data-testid=total]")).ToHaveTextAsync("25.00 EUR");

        // Booked without applying it, the code goes along with the booking and bookings-api decides: it unlocks and discounts
        // VIP only, so it does not apply to Standard seats, and the picker says so.
        await attendee.FillAsync("#promo-code", code.ToLowerInvariant());
        await attendee.ClickAsync("[data-testid=book]");
        await Assertions.Expect(panel.Locator("[data-testid=problem]")).ToContainTextAsync("This promo code does not apply to the tickets you chose.");
        Assert.EndsWith(eventPath, attendee.Url, StringComparison.Ordinal);

        // A wrong code applied: refused in words, nothing joins the picker.
        var promoResult = attendee.Locator("[data-testid=promo-result]");
        await attendee.FillAsync("#promo-code", "NOT-A-CODE");
        await attendee.ClickAsync("[data-testid=promo-apply]");
        await Assertions.Expect(promoResult).ToHaveTextAsync("This promo code is not valid for this event.");
        await Assertions.Expect(attendee.Locator("[data-testid=ticket-types]")).ToHaveCountAsync(0);

        // Applied, the code says what it gives and its hidden VIP joins the picker after Standard (the two seats chosen stay).
        await attendee.FillAsync("#promo-code", code.ToLowerInvariant());
        await attendee.ClickAsync("[data-testid=promo-apply]");
        await Assertions.Expect(promoResult).ToHaveTextAsync($"Code {code}: 10 % off VIP, unlocks VIP.");
        await Assertions.Expect(panel.Locator("[data-testid=problem]")).ToHaveCountAsync(0); // the earlier refusal is answered
        var offered = attendee.Locator("[data-testid=ticket-type]");
        await Assertions.Expect(offered.Locator("[data-testid=ticket-type-name]")).ToHaveTextAsync(["Standard", "VIP"]);
        await Assertions.Expect(offered.Nth(1).Locator("[data-testid=ticket-type-unlocked]")).ToHaveTextAsync("Unlocked by your code");
        await Assertions.Expect(offered.Nth(1).Locator("[data-testid=ticket-type-state]")).ToHaveTextAsync("10 left");
        await Assertions.Expect(offered.Nth(0).Locator("input")).ToHaveValueAsync("2");
        await AssertNoAxeViolationsAsync(attendee, "the ticket type picker with a code applied");
        await ScreenshotAsync(attendee, "ticket-types-code-applied");
        await offered.Nth(0).Locator("input").FillAsync("0");
        await offered.Nth(0).Locator("input").PressAsync("Tab");
        await offered.Nth(1).Locator("input").FillAsync("1");
        await offered.Nth(1).Locator("input").PressAsync("Tab");
        await Assertions.Expect(attendee.Locator("[data-testid=total]")).ToHaveTextAsync("40.00 EUR");
        await attendee.ClickAsync("[data-testid=book]");
        await attendee.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));

        // The booking is of the hidden type, 10 % off: 36.00.
        await Assertions.Expect(attendee.Locator("[data-testid=amount]")).ToHaveTextAsync($"1 × 40.00 EUR − 4.00 EUR with code {code} = 36.00 EUR");
        await Assertions.Expect(attendee.Locator("[data-testid=booking-type]")).ToHaveTextAsync("Ticket type: VIP");
        await attendee.FillAsync("#card-number", "4242 4242 4242 4242");
        await attendee.ClickAsync("[data-testid=pay]");
        await attendee.Locator("[data-testid=confirmation]").WaitForAsync();
        await Assertions.Expect(attendee.Locator("[data-testid=ticket-type-label]")).ToHaveTextAsync(["VIP"]);

        // The organizer puts VIP on public sale: the page now offers both types, each with its state and its own stepper.
        await GoToAsync(organizer, $"/organizer/events/{eventId}/edit");
        await vipRow.Locator("[data-testid=type-edit]").ClickAsync();
        await organizer.ClickAsync("[data-testid=type-visibility-select]");
        await organizer.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Public" }).ClickAsync();
        await Assertions.Expect(organizer.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await organizer.ClickAsync("[data-testid=type-save]");
        await Assertions.Expect(vipRow.Locator("[data-testid=type-visibility]")).ToHaveTextAsync("Public");

        await GoToAsync(attendee, eventPath);
        var types = attendee.Locator("[data-testid=ticket-type]");
        await Assertions.Expect(types).ToHaveCountAsync(2);
        await Assertions.Expect(types.Locator("[data-testid=ticket-type-name]")).ToHaveTextAsync(["Standard", "VIP"]);
        await Assertions.Expect(types.Nth(1).Locator("[data-testid=ticket-type-state]")).ToHaveTextAsync("9 left");
        var standard = types.Nth(0).Locator("input");
        var vip = types.Nth(1).Locator("input");
        await standard.FillAsync("2");
        await standard.PressAsync("Tab");
        await vip.FillAsync("1");
        await vip.PressAsync("Tab");
        await attendee.FillAsync("#promo-code", code);
        // For display only: 2 × 12.50 + 40.00, before the discount.
        await Assertions.Expect(attendee.Locator("[data-testid=total]")).ToHaveTextAsync("65.00 EUR");
        await AssertNoAxeViolationsAsync(attendee, "the ticket type picker");
        await ScreenshotAsync(attendee, "ticket-types-picker");
        await attendee.ClickAsync("[data-testid=book]");
        await attendee.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));

        // The server's amount: 10 % off the VIP seat only (4.00), so 61.00.
        await Assertions.Expect(attendee.Locator("[data-testid=amount]")).ToHaveTextAsync($"Total: 61.00 EUR (with code {code}: − 4.00 EUR)");
        await Assertions.Expect(attendee.Locator("[data-testid=booking-line]")).ToHaveCountAsync(2);
        await attendee.FillAsync("#card-number", "4242 4242 4242 4242");
        await attendee.ClickAsync("[data-testid=pay]");
        await attendee.Locator("[data-testid=confirmation]").WaitForAsync();
        var labels = attendee.Locator("[data-testid=ticket-type-label]");
        await Assertions.Expect(labels).ToHaveCountAsync(3);
        var names = (await labels.AllInnerTextsAsync()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Standard", "Standard", "VIP"], names);
        await ScreenshotAsync(attendee, "ticket-types-booking");

        // Over the limit: the page was opened when Standard allowed 4 an order; meanwhile the organizer lowers it to 1, and
        // events-api's over-order-limit shows next to the picker in the web's words.
        await GoToAsync(attendee, eventPath);
        await Assertions.Expect(types).ToHaveCountAsync(2);
        await GoToAsync(organizer, $"/organizer/events/{eventId}/edit");
        await standardRow.Locator("[data-testid=type-edit]").ClickAsync();
        // The form takes Standard's values in a round trip to the circuit: typing before they arrive would be overwritten
        // (or, typed after the 4, read 41 and clamped to 20), as it would for a person typing that fast.
        await Assertions.Expect(organizer.Locator("#type-name")).ToHaveValueAsync("Standard");
        await Assertions.Expect(organizer.Locator("#type-max-per-order")).ToHaveValueAsync("4");
        await organizer.FillAsync("#type-max-per-order", "1");
        await organizer.PressAsync("#type-max-per-order", "Tab");
        await organizer.ClickAsync("[data-testid=type-save]");
        await Assertions.Expect(standardRow.Locator("[data-testid=type-max]")).ToHaveTextAsync("1");

        await standard.FillAsync("3");
        await standard.PressAsync("Tab");
        await attendee.ClickAsync("[data-testid=book]");
        await Assertions.Expect(attendee.Locator("[data-testid=booking-panel] [data-testid=problem]"))
            .ToContainTextAsync("That is more tickets of one type than one order may have.");
        Assert.EndsWith(eventPath, attendee.Url, StringComparison.Ordinal);
        await ScreenshotAsync(attendee, "ticket-types-over-limit");

        // The organizer's dashboard: each type's seats sold and revenue after its discount (VIP twice at 40.00 less 10 %).
        await GoToAsync(organizer, "/organizer/dashboard");
        var byType = organizer.Locator("[data-testid=sales-by-event] tr", new() { HasText = title }).Locator("[data-testid=sales-by-type]");
        await Assertions.Expect(byType).ToContainTextAsync("Standard: 2 (25.00 EUR)");
        await Assertions.Expect(byType).ToContainTextAsync("VIP: 2 (72.00 EUR)");
    }
}
