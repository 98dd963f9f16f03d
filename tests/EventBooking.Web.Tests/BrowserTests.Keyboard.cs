using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The main flow (search, event, book, pay, tickets) and the organizer's create-and-publish with the keyboard alone: Tab,
/// Shift+Tab, Enter, Space, arrows, Escape and typing into what the Tab key reached, no click and no fill. Every stop of the
/// Tab key shows a focus ring; after a page change focus is on the page's h1; a dialog takes focus, keeps it and gives it back.
/// </summary>
public sealed partial class BrowserTests
{
    /// <summary>More Tab presses than any page needs to reach a control: a control not reached by then is out of reach.</summary>
    private const int MostTabStops = 60;

    /// <summary>
    /// Where focus is, and whether it shows: a ring (an outline at least 2px wide, not transparent) on the focused element, on
    /// the form field it belongs to (a text field or select rings the whole field), or on the icon a transparent check box
    /// input lies over.
    /// </summary>
    private const string FocusStop = """
        selector => {
            const focused = document.activeElement;
            if (!focused || focused === document.body) {
                return { at: 'body', matches: false, ring: false };
            }
            const holder = focused.closest('.mud-input-control')
                ?? (getComputedStyle(focused).opacity === '0' ? focused.parentElement : focused);
            const style = getComputedStyle(holder);
            const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                && style.outlineColor !== 'rgba(0, 0, 0, 0)' && style.visibility === 'visible';
            const name = focused.getAttribute('aria-label') || focused.id || (focused.textContent || '').trim().slice(0, 40);
            return { at: `${focused.tagName.toLowerCase()} "${name}"`, matches: selector !== null && focused.matches(selector), ring };
        }
        """;

    [Fact]
    public async Task An_attendee_searches_books_pays_and_finds_the_tickets_with_the_keyboard_alone_and_sees_where_focus_is()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page, "keyboard");

        // A freshly loaded page: its first Tab stop is "Skip to main content", which shows when reached and goes to the title.
        await GoToAsync(page, "/");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("[data-testid=skip-link]")).ToBeFocusedAsync();
        await AssertFocusShowsAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=skip-link]")).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();

        // Search: type into the search field, go on through the filters to the Search button.
        await TabToAsync(page, "#search-text");
        await page.Keyboard.TypeAsync("Stand-up");
        await TabToAsync(page, "[data-testid=search]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=event-card]")).ToHaveCountAsync(1);

        // The event: its title takes focus; the seats left are a polite live region.
        await TabToAsync(page, "[data-testid=event-link]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/events/"));
        await Assertions.Expect(page.Locator("[data-testid=event-title]")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("[role=status][data-testid=availability]")).ToContainTextAsync("seats left");

        // Book two tickets.
        await TabToAsync(page, "#quantity");
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync("2");
        await TabToAsync(page, "[data-testid=book]");
        await Assertions.Expect(page.Locator("[data-testid=total]")).ToContainTextAsync("36.00");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(DemoEvent);

        // The hold's countdown ticks for the eye and speaks only in steps, politely.
        await Assertions.Expect(page.Locator("[data-testid=hold-countdown] [role=timer]")).ToHaveTextAsync(new Regex(@"^\d+:\d\d$"));
        await Assertions.Expect(page.Locator("[role=status][data-testid=hold-announcer]")).ToHaveTextAsync(new Regex("^Less than (a minute|\\d+ minutes) left to pay\\.$"));

        // A declined card: an alert says so, and focus is back in the card number to try another.
        await TabToAsync(page, "#card-number");
        await page.Keyboard.TypeAsync("4000 0000 0000 0002");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[role=alert][data-testid=payment-error]")).ToContainTextAsync("declined");
        await Assertions.Expect(page.Locator("#card-number")).ToBeFocusedAsync();

        // A good card: the payment result is announced, and focus moves to it (the form is gone).
        await page.Keyboard.PressAsync("ControlOrMeta+A");
        await page.Keyboard.TypeAsync("4242 4242 4242 4242");
        await TabToAsync(page, "[data-testid=pay]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=confirmation-focus]")).ToBeFocusedAsync();
        await AssertFocusShowsAsync(page);
        await Assertions.Expect(page.Locator("[role=status][data-testid=payment-announcer]")).ToHaveTextAsync(
            "Payment received. Your tickets are below and were emailed to you.");
        await Assertions.Expect(page.Locator("[data-testid=ticket-qr]")).ToHaveCountAsync(2);

        // The confirmation's notification, pushed to the bell, is read out: its title by the snackbar (an alert), the count by the bell.
        await Assertions.Expect(page.Locator("[role=status][data-testid=bell-announcer]")).ToHaveTextAsync(
            new Regex(@"^New notification\. \d+ unread notifications?\.$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".mud-snackbar[role=alert]").Last).Not.ToBeEmptyAsync();

        // A dialog takes focus, keeps it on Tab and Shift+Tab, and gives it back to its trigger on Escape.
        await TabToAsync(page, "[data-testid=cancel-booking]");
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator(":focus")).ToHaveCountAsync(1);
        foreach (var key in new[] { "Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab" })
        {
            await page.Keyboard.PressAsync(key);
            // The trap's edges are sentinels that send focus back in (a round trip to the circuit when the machine is busy):
            // focus must be in the dialog once that settles, within a second, not necessarily at the instant of the key.
            try
            {
                await page.WaitForFunctionAsync("() => !!document.activeElement?.closest('.mud-dialog')", null, new() { Timeout = 1_000 });
            }
            catch (TimeoutException)
            {
                Assert.Fail($"focus left the dialog on {key}: {await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'")}");
            }
        }

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=cancel-booking]")).ToBeFocusedAsync();
        Assert.Equal("Confirmed", await page.Locator("[data-testid=booking-status]").GetAttributeAsync("data-status"));

        // Back through the page to the navigation: My tickets.
        await TabToAsync(page, "a[href='/tickets']", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/tickets$"));
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My tickets");
        await Assertions.Expect(page.Locator("[data-testid=ticket-qr]")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task An_organizer_creates_and_publishes_an_event_with_the_keyboard_alone()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page, "keyboard-organizer", accountType: "organizer");
        var title = $"Keyboard Gig {Guid.NewGuid():N}"[..24];

        await GoToAsync(page, "/organizer/events");
        await TabToAsync(page, "[data-testid=new-event]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/organizer/events/new$"));
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("New event");
        // The form appears once its lists (categories, the zone of the latest event) are loaded, as a person would wait for it.
        await page.Locator("#event-title").WaitForAsync();

        // Every field in turn, with Tab.
        foreach (var (field, text) in new[] { ("#event-title", title), ("#event-description", "Made with a keyboard."),
                     ("#event-venue", "Key Hall"), ("#event-city", "Oslo") })
        {
            await TabToAsync(page, field);
            await page.Keyboard.TypeAsync(text);
        }

        // A date and time field takes its parts typed in order (month, day, year, hour, minute, AM/PM in en-US).
        await TabToAsync(page, "#event-starts");
        await page.Keyboard.TypeAsync("03012027");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.TypeAsync("0700P");
        Assert.Equal("2027-03-01T19:00", await page.Locator("#event-starts").InputValueAsync());
        await TabToAsync(page, "#event-ends");
        await page.Keyboard.TypeAsync("03012027");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.TypeAsync("1000P");
        Assert.Equal("2027-03-01T22:00", await page.Locator("#event-ends").InputValueAsync());

        // The category, a native list: Tab to it, ArrowDown takes the first category (Music).
        await TabToAsync(page, "#event-category");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.Locator("#event-category")).ToHaveValueAsync("music");

        await TabToAsync(page, "#event-capacity");
        await page.Keyboard.TypeAsync("40");
        await TabToAsync(page, "#event-price");
        await page.Keyboard.TypeAsync("9.50");
        await TabToAsync(page, "[data-testid=save-event]");
        await page.Keyboard.PressAsync("Enter");

        // The list of events: focus on its title; Tab to this event's Publish, and Enter puts it on sale.
        await page.WaitForURLAsync(new Regex("/organizer/events$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My events");
        await Assertions.Expect(page.Locator("h1")).ToBeFocusedAsync();
        var row = page.Locator("[data-testid=my-events] tr", new() { HasText = title });
        await Assertions.Expect(row.Locator("[data-testid=event-status]")).ToHaveTextAsync("Draft");
        await TabToAsync(page, "[data-testid=publish]");
        Assert.Equal(1, await row.Locator("[data-testid=publish]:focus").CountAsync());
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(row.Locator("[data-testid=event-status]")).ToHaveTextAsync("Published");

        // The Publish button is gone: focus is on the same row's Edit, not lost to the page.
        await Assertions.Expect(row.Locator("[data-testid=edit-event]")).ToBeFocusedAsync();
        await AssertFocusShowsAsync(page);
    }

    /// <summary>
    /// Presses Tab (Shift+Tab <paramref name="backwards"/>) until the focused element matches <paramref name="selector"/>,
    /// asserting that every element on the way shows a focus ring.
    /// </summary>
    private static async Task TabToAsync(IPage page, string selector, bool backwards = false)
    {
        var path = new List<string>();
        for (var i = 0; i < MostTabStops; i++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            var stop = await page.EvaluateAsync<JsonElement>(FocusStop, selector);
            var at = stop.GetProperty("at").GetString()!;
            path.Add(at);
            Assert.True(stop.GetProperty("ring").GetBoolean(), $"no visible focus ring on {at} (on the way to {selector}: {string.Join(" → ", path)})");
            if (stop.GetProperty("matches").GetBoolean())
            {
                return;
            }
        }

        Assert.Fail($"{selector} was not reached in {MostTabStops} presses of {(backwards ? "Shift+Tab" : "Tab")}: {string.Join(" → ", path)}");
    }

    /// <summary>Asserts that whatever has focus now shows a focus ring.</summary>
    private static async Task AssertFocusShowsAsync(IPage page)
    {
        var stop = await page.EvaluateAsync<JsonElement>(FocusStop, (string?)null);
        Assert.True(stop.GetProperty("ring").GetBoolean(), $"no visible focus ring on {stop.GetProperty("at").GetString()}");
    }
}
