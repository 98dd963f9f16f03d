using System.Text.RegularExpressions;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The catalog as a visitor gets it: rendered on the server only (no circuit), searched with a plain GET form whose every
/// result page has its own address; and as a signed-in user gets it: the same page, live.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_visitor_searches_the_catalog_without_a_circuit_and_every_result_page_has_its_own_address()
    {
        var page = await fixture.NewPageAsync();
        var circuits = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref circuits);
            }
        };

        await GoToAsync(page, "/");
        await page.FillAsync("#search-text", "Stand-up");
        await page.SelectOptionAsync("#search-sort", "price");
        await page.ClickAsync("[data-testid=search]");
        await page.WaitForURLAsync(new Regex(@"[?&]q=Stand-up"));
        await Assertions.Expect(page.Locator("[data-testid=event-card]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=event-link]")).ToHaveTextAsync(DemoEvent);
        Assert.Contains("sort=price", page.Url, StringComparison.Ordinal);

        // The address is the search: opened afresh it shows the same result and the form filled in as it was sent.
        var again = await fixture.NewPageAsync();
        await GoToAsync(again, page.Url);
        await Assertions.Expect(again.Locator("#search-text")).ToHaveValueAsync("Stand-up");
        await Assertions.Expect(again.Locator("#search-sort")).ToHaveValueAsync("price");
        await Assertions.Expect(again.Locator("[data-testid=event-link]")).ToHaveTextAsync(DemoEvent);

        // A search that finds nothing says so; a price that is not one is the field's error (said beside it), and the search
        // runs without it.
        await GoToAsync(page, "/?q=no-such-event-anywhere-" + Guid.NewGuid().ToString("N"));
        await Assertions.Expect(page.Locator("[data-testid=no-events]")).ToBeVisibleAsync();
        foreach (var price in new[] { "-5", "cheap" })
        {
            await GoToAsync(page, "/?maxPrice=" + price);
            await Assertions.Expect(page.Locator("[data-testid=max-price-error]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#search-max-price")).ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(page.Locator("[data-testid=event-card]").First).ToBeVisibleAsync();
        }

        // The pages are links: page 2 is an address of its own, and it shows other events than page 1.
        await GoToAsync(page, "/");
        var first = await page.Locator("[data-testid=event-link]").AllTextContentsAsync();
        var next = page.Locator("[data-testid=pager-next]");
        if (await next.CountAsync() > 0)
        {
            await next.ClickAsync();
            await page.WaitForURLAsync(new Regex(@"[?&]page=2"));
            await Assertions.Expect(page.Locator("[data-testid=pager] [aria-current=page]")).ToHaveTextAsync("2");
            var second = await page.Locator("[data-testid=event-link]").AllTextContentsAsync();
            Assert.NotEmpty(second);
            Assert.Empty(first.Intersect(second));
        }

        // None of that started a circuit: the visitor's catalog is HTML and links; the hamburger that needs one is not there.
        Assert.Equal(0, circuits);
        Assert.Equal(0, await page.Locator("[data-testid=menu-button]").CountAsync());

        // An event from the catalog is live (its seats, the booking form): the circuit starts there.
        await page.ClickAsync("[data-testid=event-link] >> nth=0");
        await page.WaitForURLAsync(new Regex("/events/"));
        // (Its layout is rendered on the server only, so the page is "ready" before the seats' island connects: wait for that.)
        await Poll.UntilAsync(() => Task.FromResult(circuits > 0), TimeSpan.FromSeconds(30), "the event page connects a circuit", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_signed_in_user_gets_the_catalog_live_with_the_same_search()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page, "catalog");
        var circuits = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref circuits);
            }
        };

        await GoToAsync(page, "/");
        Assert.True(circuits > 0, "a signed-in user's catalog connects a circuit");
        await Assertions.Expect(page.Locator("[data-testid=menu-button]")).ToBeVisibleAsync();
        await page.FillAsync("#search-text", "Stand-up");
        await page.ClickAsync("[data-testid=search]");
        await page.WaitForURLAsync(new Regex(@"[?&]q=Stand-up"));
        await Assertions.Expect(page.Locator("[data-testid=event-card]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=event-link]")).ToHaveTextAsync(DemoEvent);

        // In the circuit: the same page, not a reload (focus stays on the button), and the address is the plain form's.
        await Assertions.Expect(page.Locator("[data-testid=search]")).ToBeFocusedAsync();
        await page.FillAsync("#search-text", "");
        await page.SelectOptionAsync("#search-sort", "-price");
        await page.ClickAsync("[data-testid=search]");
        await page.WaitForURLAsync(new Regex(@"[?&]sort=-price"));
        Assert.DoesNotContain("q=", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-testid=event-card]").First).ToBeVisibleAsync();
    }
}
