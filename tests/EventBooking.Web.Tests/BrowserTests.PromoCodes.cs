using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>Promo codes in the browser: the organizer creates one on the event's page of codes, a buyer books with it and pays less.</summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task An_organizer_creates_a_promo_code_and_a_buyer_pays_the_discounted_amount()
    {
        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        await GoToAsync(organizer, "/organizer/events");
        var editLink = await organizer.Locator("tr", new() { HasText = DemoEvent }).Locator("a[href$='/edit']").First.GetAttributeAsync("href");
        var eventId = editLink!.Split('/')[^2];
        await GoToAsync(organizer, $"/organizer/events/{eventId}/promo-codes");

        // A bad code first: the field says why, nothing is created.
        await organizer.FillAsync("#promo-code", "x");
        await organizer.FillAsync("#promo-value", "25");
        await organizer.ClickAsync("[data-testid=promo-create]");
        await Assertions.Expect(organizer.GetByText("3–32 letters, digits or dashes, starting")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(organizer, "promo codes with a field error");

        var code = $"HALF{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await organizer.FillAsync("#promo-code", code.ToLowerInvariant());
        await organizer.FillAsync("#promo-value", "50");
        await organizer.FillAsync("#promo-uses", "3");
        await organizer.ClickAsync("[data-testid=promo-create]");
        var row = organizer.Locator("[data-testid=promo-codes] tr", new() { HasText = code });
        await Assertions.Expect(row).ToContainTextAsync("50 %");
        await Assertions.Expect(row.Locator("[data-testid=promo-used]")).ToHaveTextAsync("0 of 3");
        await AssertNoAxeViolationsAsync(organizer, "promo codes");

        var buyer = await fixture.NewPageAsync();
        await RegisterAsync(buyer, "promo");
        await GoToAsync(buyer, "/");
        await buyer.FillAsync("#search-text", "Stand-up");
        await buyer.ClickAsync("[data-testid=search]");
        // The search lands first (live, it changes the address): a click on the list before that would be taken back to it.
        await Assertions.Expect(buyer.Locator("[data-testid=event-card]")).ToHaveCountAsync(1);
        await buyer.ClickAsync($"[data-testid=event-link]:has-text('{DemoEvent}')");
        await buyer.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/events/"));
        await buyer.Locator("[data-testid=book]").WaitForAsync();
        // One ticket's price (the quantity starts at one); two tickets at half price cost exactly that.
        var unit = await buyer.Locator("[data-testid=total]").InnerTextAsync();
        await buyer.FillAsync("#quantity", "2");
        await buyer.PressAsync("#quantity", "Tab");

        // A wrong code is refused on the event page and books nothing; the right one (any case) halves the amount.
        await buyer.FillAsync("#promo-code", "NOT-A-CODE");
        await buyer.ClickAsync("[data-testid=book]");
        await Assertions.Expect(buyer.GetByText("This promo code is not valid for this event.")).ToBeVisibleAsync();
        await buyer.FillAsync("#promo-code", code.ToLowerInvariant());
        await buyer.ClickAsync("[data-testid=book]");
        await buyer.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/bookings/[0-9a-f-]{36}$"));
        var amount = buyer.Locator("[data-testid=amount]");
        await Assertions.Expect(amount).ToContainTextAsync($"with code {code}");
        await Assertions.Expect(amount).ToHaveTextAsync($"2 × {unit} − {unit} with code {code} = {unit}");
        await buyer.FillAsync("#card-number", "4242 4242 4242 4242");
        await buyer.ClickAsync("[data-testid=pay]");
        await buyer.Locator("[data-testid=confirmation]").WaitForAsync();

        await GoToAsync(organizer, $"/organizer/events/{eventId}/promo-codes");
        await Assertions.Expect(organizer.Locator("[data-testid=promo-codes] tr", new() { HasText = code }).Locator("[data-testid=promo-used]")).ToHaveTextAsync("1 of 3");
        await ScreenshotAsync(organizer, "promo-codes");
    }
}
