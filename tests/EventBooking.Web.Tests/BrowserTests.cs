using System.Text.RegularExpressions;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>The web app in a real browser (Debian chromium) against the whole system started from the AppHost.</summary>
public sealed partial class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IAsyncDisposable
{
    /// <summary>Says what the browser showed when the test failed, and closes the test's pages.</summary>
    public async ValueTask DisposeAsync() => await fixture.EndTestAsync();

    private const string DemoEvent = "Stand-up Saturday";
    private const string Password = "Correct-Horse-42";

    [Fact]
    public async Task Attendee_registers_searches_books_pays_sees_tickets_and_the_bell_rings_without_reload()
    {
        var page = await fixture.NewPageAsync();

        await GoToAsync(page, "/");
        await page.Locator("[data-testid=event-card]").First.WaitForAsync();
        Assert.True(await page.Locator("[data-testid=event-card]").CountAsync() > 0, "the home page shows the demo events");
        await ScreenshotAsync(page, "01-home");

        await RegisterAsync(page, "flow");
        var booking = await BookDemoEventAsync(page, quantity: 2, screenshots: true);
        var unreadBefore = await page.Locator("[data-testid=bell]").GetAttributeAsync("data-unread");

        await page.FillAsync("#card-number", "4242 4242 4242 4242");
        await page.ClickAsync("[data-testid=pay]");
        await page.Locator("[data-testid=confirmation]").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=ticket-qr]")).ToHaveCountAsync(2);
        Assert.Equal("Confirmed", await page.Locator("[data-testid=booking-status]").GetAttributeAsync("data-status"));
        await ScreenshotAsync(page, "04-confirmation");

        // The booking.confirmed notification is pushed over SignalR: the bell counts it without a reload.
        Assert.Equal("0", unreadBefore);
        await Assertions.Expect(page.Locator("[data-testid=bell]")).Not.ToHaveAttributeAsync("data-unread", "0", new() { Timeout = 60_000 });
        // Pushed by the hub, not polled: its WebSocket was authorized by the Authorization header (the hub ignores URL tokens).
        await Assertions.Expect(page.Locator("[data-testid=bell]")).ToHaveAttributeAsync("data-live", "true");
        Assert.EndsWith($"/bookings/{booking}", page.Url, StringComparison.Ordinal);
        await ScreenshotAsync(page, "05-bell");

        // Each opened as a visit's first page: the circuit starts from what the prerender showed (no loading bar in between).
        await WatchForLoadingAsync(page);
        await GoToAsync(page, "/tickets");
        await Assertions.Expect(page.Locator("[data-testid=ticket-qr]")).ToHaveCountAsync(2);
        await AssertNoLoadingShownAsync(page, "My tickets");
        await ScreenshotAsync(page, "06-my-tickets");
        await GoToAsync(page, "/bookings");
        await page.Locator("[data-testid=bookings]").WaitForAsync();
        await AssertNoLoadingShownAsync(page, "My bookings");
        await ScreenshotAsync(page, "07-my-bookings");
        await GoToAsync(page, "/payments");
        await page.Locator("[data-testid=payments]").WaitForAsync();
        await AssertNoLoadingShownAsync(page, "My payments");
        await GoToAsync(page, "/activity");
        await AssertNoLoadingShownAsync(page, "My activity");
        await GoToAsync(page, "/notifications");
        await page.Locator("[data-testid=notifications]").WaitForAsync();
        await AssertNoLoadingShownAsync(page, "Notifications");
        await ScreenshotAsync(page, "08-notifications");

        // Freshly loaded, the bell shows notifications-api's unread count; marking all read brings it to zero.
        await Assertions.Expect(page.Locator("[data-testid=bell]")).Not.ToHaveAttributeAsync("data-unread", "0");
        await page.ClickAsync("[data-testid=mark-all-read]");
        await Assertions.Expect(page.Locator("[data-testid=mark-all-read]")).ToBeDisabledAsync();
        await GoToAsync(page, "/account/profile");
        await page.Locator("#profile-name").WaitForAsync();
        await ScreenshotAsync(page, "09-profile");
    }

    [Fact]
    public async Task A_declined_card_shows_a_clear_message_and_the_booking_stays_payable()
    {
        var page = await fixture.NewPageAsync();
        await RegisterAsync(page, "decline");
        await BookDemoEventAsync(page, quantity: 1);

        await page.FillAsync("#card-number", "4000 0000 0000 0002");
        await page.ClickAsync("[data-testid=pay]");
        var error = page.Locator("[data-testid=payment-error]");
        await error.WaitForAsync();
        Assert.Contains("declined", await error.TextContentAsync() ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal("PendingPayment", await page.Locator("[data-testid=booking-status]").GetAttributeAsync("data-status"));
        await Assertions.Expect(page.Locator("[data-testid=pay]")).ToBeEnabledAsync();
        await ScreenshotAsync(page, "10-declined");

        await page.FillAsync("#card-number", "4242 4242 4242 4242");
        await page.ClickAsync("[data-testid=pay]");
        await page.Locator("[data-testid=confirmation]").WaitForAsync();
        Assert.Equal("Confirmed", await page.Locator("[data-testid=booking-status]").GetAttributeAsync("data-status"));

        // Cancelling more than a day ahead refunds in full, and the page says how much.
        await page.ClickAsync("[data-testid=cancel-booking]");
        await page.Locator(".mud-dialog button", new() { HasText = "Cancel booking" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=refund]")).ToContainTextAsync("18.00 EUR");
        Assert.Contains(await page.Locator("[data-testid=booking-status]").GetAttributeAsync("data-status"), new[] { "Cancelled", "Refunded" });
        await ScreenshotAsync(page, "10b-refunded");
    }

    [Fact]
    public async Task An_organizer_creates_and_publishes_an_event_an_attendee_buys_and_the_dashboard_shows_the_sale()
    {
        var organizer = await fixture.NewPageAsync();
        await RegisterAsync(organizer, "organizer", accountType: "organizer");
        var title = $"Browser Gig {Guid.NewGuid():N}"[..24];
        var eventPath = await CreatePublishedEventAsync(organizer, title, capacity: "50", screenshots: true);

        var attendee = await fixture.NewPageAsync();
        await RegisterAsync(attendee, "buyer");
        // The event page, the organizer's pages below: each opened as a visit's first page shows no loading state after its
        // prerender (the circuit starts from what the prerender showed).
        await WatchForLoadingAsync(attendee);
        await GoToAsync(attendee, eventPath);
        await AssertNoLoadingShownAsync(attendee, "The event page");
        await BookOpenEventAsync(attendee, quantity: 1);
        await attendee.FillAsync("#card-number", "4242 4242 4242 4242");
        await attendee.ClickAsync("[data-testid=pay]");
        await attendee.Locator("[data-testid=confirmation]").WaitForAsync();

        await WatchForLoadingAsync(organizer);
        await GoToAsync(organizer, "/organizer/dashboard");
        await Assertions.Expect(organizer.Locator("[data-testid=tickets-sold]")).ToHaveTextAsync("1");
        await Assertions.Expect(organizer.Locator("[data-testid=sales-by-event]")).ToContainTextAsync(title);
        await AssertNoLoadingShownAsync(organizer, "The sales dashboard");
        await ScreenshotAsync(organizer, "13-dashboard");

        var eventId = eventPath.Split('/')[^1];
        await GoToAsync(organizer, $"/organizer/events/{eventId}/attendees");
        await Assertions.Expect(organizer.Locator("[data-testid=attendees] tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(organizer.Locator("[data-testid=attendee-totals]")).ToHaveTextAsync("1 ticket sold in 1 confirmed booking; 1 booking in all.");
        await AssertNoLoadingShownAsync(organizer, "The attendees");
        await ScreenshotAsync(organizer, "14-attendees");
        var download = await organizer.RunAndWaitForDownloadAsync(() => organizer.ClickAsync("[data-testid=export-csv]"));
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.StartsWith("BookingId,UserId,Quantity,TicketTypes", csv, StringComparison.Ordinal);
        Assert.Contains(",1,1 x Standard,12.5", csv, StringComparison.Ordinal);

        foreach (var (path, what) in new[]
        {
            ("/organizer/events", "My events"), ($"/organizer/events/{eventId}/analytics?period=7d", "The analytics"),
            ($"/organizer/events/{eventId}/waiting-list", "The waiting list"), ("/organizer/webhooks", "The webhooks"),
            ("/organizer/venue-plans", "The venue plans"),
        })
        {
            await GoToAsync(organizer, path);
            await Assertions.Expect(organizer.Locator("h1")).Not.ToBeEmptyAsync();
            await AssertNoLoadingShownAsync(organizer, what);
        }
    }

    [Fact]
    public async Task Asking_for_more_seats_than_are_left_shows_the_sold_out_message()
    {
        var organizer = await fixture.NewPageAsync();
        await RegisterAsync(organizer, "small-venue", accountType: "organizer");
        var eventPath = await CreatePublishedEventAsync(organizer, $"Tiny Gig {Guid.NewGuid():N}"[..21], capacity: "2");

        var attendee = await fixture.NewPageAsync();
        await RegisterAsync(attendee, "too-late");
        await GoToAsync(attendee, eventPath);
        await attendee.Locator("[data-testid=book]").WaitForAsync();
        await attendee.FillAsync("#quantity", "2");
        await attendee.PressAsync("#quantity", "Tab");
        await Assertions.Expect(attendee.Locator("[data-testid=total]")).ToContainTextAsync("25.00");

        // Meanwhile, in another tab, one of the two seats is taken: events-api refuses the hold (sold-out), bookings-api
        // passes its code on, and the web says so in its own words.
        var otherTab = await attendee.Context.NewPageAsync();
        await GoToAsync(otherTab, eventPath);
        await BookOpenEventAsync(otherTab, quantity: 1);
        await attendee.ClickAsync("[data-testid=book]");
        await Assertions.Expect(attendee.Locator("[data-testid=problem]")).ToContainTextAsync("Not enough seats are left for that many tickets.");
        Assert.EndsWith(eventPath, attendee.Url, StringComparison.Ordinal);
        await ScreenshotAsync(attendee, "14b-sold-out");
    }

    [Fact]
    public async Task Bad_input_shows_validation_messages_and_creates_nothing()
    {
        // Registration: the static form validates before anything is sent.
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/account/register");
        await page.FillAsync("#displayName", "Val");
        await page.FillAsync("#email", "not-an-email");
        await page.FillAsync("#password", "short");
        await page.ClickAsync("[data-testid=register-submit]");
        await Assertions.Expect(page.Locator(".validation-message")).ToContainTextAsync(["Enter a valid email address."]);
        Assert.Contains("/account/register", page.Url, StringComparison.Ordinal);

        await RegisterAsync(page, "validator", accountType: "organizer");
        await GoToAsync(page, "/organizer/events/new");

        // Empty form: the browser-side rules name each missing field.
        await page.ClickAsync("[data-testid=save-event]");
        await Assertions.Expect(page.GetByText("Enter a title.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Enter the venue.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Enter the number of seats.")).ToBeVisibleAsync();

        // A start in the past passes the form but not events-api: its field error shows next to the field.
        await FillEventAsync(page, "Time Travel Party", "2020-01-01T19:00", "2020-01-01T22:00", capacity: "10", price: "5");
        await page.ClickAsync("[data-testid=save-event]");
        await Assertions.Expect(page.GetByText("The start must be in the future.")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "15-validation");

        await GoToAsync(page, "/organizer/events");
        await page.Locator("[data-testid=no-my-events]").WaitForAsync();
    }

    [Fact]
    public async Task A_user_opening_another_users_booking_by_url_is_refused()
    {
        var owner = await fixture.NewPageAsync();
        await RegisterAsync(owner, "owner");
        var booking = await BookDemoEventAsync(owner, quantity: 1);

        var other = await fixture.NewPageAsync();
        await RegisterAsync(other, "intruder");
        await GoToAsync(other, $"/bookings/{booking}");
        await other.Locator("[data-testid=booking-missing]").WaitForAsync();
        Assert.Equal(0, await other.Locator("[data-testid=pay]").CountAsync());
        Assert.Equal(0, await other.GetByText(DemoEvent).CountAsync());
        await ScreenshotAsync(other, "16-refused");

        // Signed out, the page asks to sign in first.
        var anonymous = await fixture.NewPageAsync();
        await anonymous.GotoAsync($"/bookings/{booking}");
        await anonymous.WaitForURLAsync(new Regex("/account/login"));
        await ScreenshotAsync(anonymous, "17-login");
    }

    [Fact]
    public async Task Unknown_pages_get_a_friendly_404_without_internals()
    {
        var page = await fixture.NewPageAsync();
        var response = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
        var html = await page.ContentAsync();
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        await ScreenshotAsync(page, "18-not-found");
    }

    [Fact]
    public async Task A_session_ended_elsewhere_signs_the_person_out_of_the_web_and_asks_them_to_sign_in_again()
    {
        var page = await fixture.NewPageAsync();
        var email = await RegisterAsync(page, "elsewhere");
        await GoToAsync(page, "/bookings");
        await page.Locator("[data-testid=no-bookings]").WaitForAsync();

        // "Sign out everywhere" from another device: the web's own session ends with the others.
        using (var users = fixture.Topology.CreateClient(ResourceNames.UsersApi))
        {
            var device = await users.LoginAsync(email, Password, cancellationToken: TestContext.Current.CancellationToken);
            using var everywhere = fixture.Topology.CreateClient(ResourceNames.UsersApi, device.AccessToken);
            using var response = await everywhere.PostAsync("/api/users/logout-all", null, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        // The next page needing bookings-api gets 401 session-revoked: the sign-in page, signed out, not an error.
        await page.GotoAsync("/bookings");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
        await page.Locator("#email").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=user-name]").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid=problem]").CountAsync());
        Assert.Contains("returnUrl=%2Fbookings", page.Url, StringComparison.Ordinal);
    }

    private static async Task GoToAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("#interactive-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>
    /// From now on, every document the page opens notes the first loading state (a loading bar, a skeleton) inserted once it is
    /// parsed. A live page opened as a visit's first page starts its circuit from what its prerender showed (HandoverPage), so it
    /// inserts none: <see cref="AssertNoLoadingShownAsync"/>.
    /// </summary>
    private static Task WatchForLoadingAsync(IPage page) => page.AddInitScriptAsync("""
        document.addEventListener('DOMContentLoaded', () => new MutationObserver(records => {
            for (const node of records.flatMap(r => [...r.addedNodes])) {
                const loading = node.nodeType === 1
                    && (node.matches('.mud-progress-linear, .mud-skeleton') ? node : node.querySelector('.mud-progress-linear, .mud-skeleton'));
                if (loading && window.__loadingShown === undefined) {
                    window.__loadingShown = loading.getAttribute('aria-label') ?? loading.className;
                }
            }
        }).observe(document.body, { childList: true, subtree: true }));
        """);

    /// <summary>
    /// Fails if the page's current document showed a loading state after it was parsed (<see cref="WatchForLoadingAsync"/>); call it
    /// once the circuit has rendered (<see cref="GoToAsync"/> waits for that).
    /// </summary>
    private static async Task AssertNoLoadingShownAsync(IPage page, string what)
    {
        var loading = await page.EvaluateAsync<string?>("() => window.__loadingShown ?? null");
        Assert.True(loading is null, $"{what} showed a loading state after its prerender: {loading}.");
    }

    [Fact]
    public async Task Registering_an_email_that_already_has_an_account_signs_nobody_in_and_says_nothing_about_the_account()
    {
        var email = $"twice-{Guid.NewGuid():N}@example.test";
        var owner = await fixture.NewPageAsync();
        await FillRegistrationAsync(owner, "Owner", email, Password);
        await owner.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/verify-email");
        await owner.Locator("[data-testid=user-name]").WaitForAsync();

        // Someone else tries the same address with another password: users-api answers as for a new one, sign-in fails.
        var other = await fixture.NewPageAsync();
        await FillRegistrationAsync(other, "Intruder", email, "Another-Horse-43");
        await Assertions.Expect(other.GetByText("If you already have an account with this email, sign in with its password instead.")).ToBeVisibleAsync();
        Assert.Contains("/account/register", other.Url, StringComparison.Ordinal);
        Assert.Equal(0, await other.Locator("[data-testid=user-name]").CountAsync());
        Assert.DoesNotContain("already exists", await other.ContentAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task FillRegistrationAsync(IPage page, string name, string email, string password)
    {
        await page.GotoAsync("/account/register");
        await page.FillAsync("#displayName", name);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=register-submit]");
    }

    /// <summary>
    /// Registers as a person does: the form, then the page asking to open the emailed link, then the link from the email the
    /// SMTP catcher received (opened in the same browser, signed in), which verifies the address so the account may book.
    /// Returns the address.
    /// </summary>
    private async Task<string> RegisterAsync(IPage page, string prefix, string accountType = "attendee")
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@example.test";
        await page.GotoAsync("/account/register");
        await page.FillAsync("#displayName", $"{prefix} tester");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.CheckAsync($"input[type=radio][value={accountType}]");
        await page.ClickAsync("[data-testid=register-submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/verify-email");
        await page.Locator("[data-testid=verification-pending]").WaitForAsync();
        await OpenEmailedLinkAsync(page, email, "email-verification", "/account/verify-email");
        await page.Locator("[data-testid=email-verified]").WaitForAsync();
        await GoToAsync(page, "/");
        await page.Locator("[data-testid=user-name]").WaitForAsync();
        return email;
    }

    /// <summary>Opens the link of the newest account email of <paramref name="kind"/> to <paramref name="email"/>; it points at the web.</summary>
    private async Task OpenEmailedLinkAsync(IPage page, string email, string kind, string path, int skip = 0)
    {
        var link = await Mail.WaitForLinkAsync(fixture.Topology.System.Maildir, email, kind, path, TimeSpan.FromMinutes(1), skip,
            TestContext.Current.CancellationToken);
        Assert.Equal(fixture.WebUrl.Port, link.Port);
        await page.GotoAsync(link.PathAndQuery);
    }

    /// <summary>Searches the demo event, opens it and books; returns the booking id (the page is on the booking).</summary>
    private static async Task<string> BookDemoEventAsync(IPage page, int quantity, bool screenshots = false)
    {
        await GoToAsync(page, "/");
        await page.FillAsync("#search-text", "Stand-up");
        await page.ClickAsync("[data-testid=search]");
        await Assertions.Expect(page.Locator("[data-testid=event-card]")).ToHaveCountAsync(1);
        await page.ClickAsync($"[data-testid=event-link]:has-text('{DemoEvent}')");
        await page.WaitForURLAsync(new Regex("/events/"));
        if (screenshots)
        {
            await page.Locator("[data-testid=available-count]").WaitForAsync();
            await ScreenshotAsync(page, "02-event");
        }

        var booking = await BookOpenEventAsync(page, quantity);
        if (screenshots)
        {
            await ScreenshotAsync(page, "03-pay");
        }

        return booking;
    }

    private static async Task<string> BookOpenEventAsync(IPage page, int quantity)
    {
        await page.Locator("[data-testid=book]").WaitForAsync();
        await page.FillAsync("#quantity", quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.PressAsync("#quantity", "Tab");
        await page.ClickAsync("[data-testid=book]");
        // The booking page streams in over the circuit; its load event can come late on a busy machine, and the pay button is what matters.
        await page.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("[data-testid=pay]").WaitForAsync();
        Assert.Contains($"{quantity} ×", await page.InnerTextAsync(".mud-main-content"), StringComparison.Ordinal);
        return page.Url.Split('/')[^1];
    }

    /// <summary>Creates an event as <paramref name="organizer"/> and puts it on sale; returns its path (<c>/events/{id}</c>).</summary>
    private static async Task<string> CreatePublishedEventAsync(IPage organizer, string title, string capacity, bool screenshots = false)
    {
        await GoToAsync(organizer, "/organizer/events/new");
        await FillEventAsync(organizer, title, "2027-03-01T19:00", "2027-03-01T22:00", capacity, price: "12.50");
        if (screenshots)
        {
            await ScreenshotAsync(organizer, "11-new-event");
        }

        await organizer.ClickAsync("[data-testid=save-event]");
        await organizer.WaitForURLAsync(new Regex("/organizer/events$"));
        var row = organizer.Locator("[data-testid=my-events] tr", new() { HasText = title });
        await Assertions.Expect(row.Locator("[data-testid=event-status]")).ToHaveTextAsync("Draft");
        await row.Locator("[data-testid=publish]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=event-status]")).ToHaveTextAsync("Published");
        if (screenshots)
        {
            await ScreenshotAsync(organizer, "12-my-events");
        }

        var eventPath = await row.Locator("a[href^='/events/']").GetAttributeAsync("href");
        Assert.NotNull(eventPath);
        return eventPath;
    }

    private static async Task FillEventAsync(IPage page, string title, string starts, string ends, string capacity, string price)
    {
        await page.FillAsync("#event-title", title);
        await page.FillAsync("#event-description", "Made by a browser test.");
        await page.FillAsync("#event-venue", "Test Hall");
        await page.FillAsync("#event-city", "Oslo");
        await page.FillAsync("#event-starts", starts);
        await page.FillAsync("#event-ends", ends);
        await page.FillAsync("#event-capacity", capacity);
        await page.FillAsync("#event-price", price);
        await page.PressAsync("#event-price", "Tab");
        await page.SelectOptionAsync("#event-category", "music");
        await Assertions.Expect(page.Locator("#event-category")).ToHaveValueAsync("music");
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
}
