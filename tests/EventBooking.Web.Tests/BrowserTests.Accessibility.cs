using System.Net.Http.Json;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using EventBooking.AppHost;
using EventBooking.ServiceDefaults;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// WCAG 2.1 AA, checked by axe-core (Deque.AxeCore.Playwright) on every page as a visitor, an attendee with a paid booking,
/// an organizer and an admin: no violation of the WCAG 2.0/2.1 A and AA rules, nor of axe's best practices (landmarks,
/// heading order), at any impact.
/// </summary>
public sealed partial class BrowserTests
{
    private static readonly AxeRunOptions WcagAa = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    };

    [Fact]
    public async Task Every_page_passes_axe_for_wcag_2_1_aa_as_a_visitor_an_attendee_an_organizer_and_an_admin()
    {
        var findings = new StringBuilder();
        var checkedPages = await VisitEveryPageAsync(_ => Task.CompletedTask, async (page, path, who) =>
        {
            var result = await SettledAxeAsync(page);
            foreach (var violation in result.Violations)
            {
                findings.AppendLine($"{who} {path}: {violation.Id} ({violation.Impact}, {violation.Nodes.Length} nodes) {violation.Help}");
                foreach (var node in violation.Nodes.Take(3))
                {
                    findings.AppendLine($"    {node.Target} {node.Html[..Math.Min(160, node.Html.Length)]}");
                }
            }
        });

        Assert.Equal(EveryPageVisits, checkedPages);
        Assert.True(findings.Length == 0, $"axe-core found violations:\n{findings}");
    }

    /// <summary>How many visits <see cref="VisitEveryPageAsync"/> makes.</summary>
    private const int EveryPageVisits = 36;

    /// <summary>
    /// Visits every page of the app as a visitor, an attendee with a paid booking (paying in the browser on the way), an
    /// organizer and an admin, and calls <paramref name="check"/> on each once it is loaded (interactive pages once their circuit
    /// is live). Every browser page it opens is first given to <paramref name="opened"/>. Returns the number of visits.
    /// </summary>
    private async Task<int> VisitEveryPageAsync(Func<IPage, Task> opened, Func<IPage, string, string, Task> check)
    {
        var visits = 0;
        async Task<IPage> NewPageAsync()
        {
            var page = await fixture.NewPageAsync();
            await opened(page);
            return page;
        }

        async Task<IPage> SignedInAsync(string email, string password = DemoData.Password)
        {
            var page = await NewPageAsync();
            await SignInAsync(page, email, password);
            return page;
        }

        async Task CheckAsync(IPage page, string path, string who, bool interactive = true)
        {
            if (interactive)
            {
                await GoToAsync(page, path);
            }
            else
            {
                // Server-rendered forms (sign-in, registration) and the not-found page have no interactive circuit.
                await page.GotoAsync(path);
            }

            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            // Every page heads its content with an h1: wait for it (an interactive page may still be authorizing its user).
            await page.Locator("h1").First.WaitForAsync();
            await check(page, path, who);
            visits++;
        }

        var visitor = await NewPageAsync();
        await CheckAsync(visitor, "/", "visitor");
        await GoToAsync(visitor, "/");
        await visitor.ClickAsync($"[data-testid=event-link]:has-text('{DemoEvent}')");
        // Only its address is wanted here (CheckAsync loads it afresh): not its load event, which a busy machine can delay.
        await visitor.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/events/"), new() { WaitUntil = WaitUntilState.Commit });
        var eventPath = new Uri(visitor.Url).AbsolutePath;
        await CheckAsync(visitor, eventPath, "visitor");
        foreach (var path in new[] { "/account/login", "/account/register", "/not-found", "/account/forgot-password",
                     "/account/reset-password?token=from-the-email", "/account/verify-email" })
        {
            await CheckAsync(visitor, path, "visitor", interactive: false);
        }

        var attendee = await NewPageAsync();
        await RegisterAsync(attendee, "visit");
        var booking = await BookDemoEventAsync(attendee, quantity: 1);
        await CheckAsync(attendee, $"/bookings/{booking}", "attendee (unpaid)");
        await attendee.FillAsync("#card-number", "4242 4242 4242 4242");
        await attendee.ClickAsync("[data-testid=pay]");
        await attendee.Locator("[data-testid=confirmation]").WaitForAsync();
        foreach (var path in new[] { $"/bookings/{booking}", "/bookings", "/tickets", "/payments", "/notifications", "/account/profile", "/activity",
                     $"{eventPath}/queue" })
        {
            await CheckAsync(attendee, path, "attendee");
        }

        await CheckAsync(attendee, "/account/verify-email", "attendee", interactive: false);

        // A new account that has not opened the emailed link yet: the page that says so and offers a new link.
        var newcomer = await SignedInAsync((await fixture.Topology.RegisterAsync(verified: false)).Email, Accounts.DefaultPassword);
        await CheckAsync(newcomer, "/account/verify-email", "unverified attendee", interactive: false);

        var organizer = await SignedInAsync(DemoData.OrganizerEmail);
        await GoToAsync(organizer, "/organizer/events");
        var editLink = await organizer.Locator("a[href$='/edit']").First.GetAttributeAsync("href");
        var eventId = editLink!.Split('/')[^2];
        foreach (var path in new[] { "/organizer/dashboard", "/organizer/events", "/organizer/events/new", $"/organizer/events/{eventId}/edit",
            $"/organizer/events/{eventId}/attendees", $"/organizer/events/{eventId}/check-in", $"/organizer/events/{eventId}/promo-codes",
            $"/organizer/events/{eventId}/analytics", $"/organizer/events/{eventId}/waiting-room", $"/organizer/events/{eventId}/waiting-list", "/organizer/api-tokens", "/organizer/webhooks" })
        {
            await CheckAsync(organizer, path, "organizer");
        }

        // Reserved seating: the plans, a plan's builder (seats on the map and in the table) and an event's seating page.
        using (var plans = await fixture.Topology.AsAsync(ResourceNames.EventsApi, "organizer"))
        {
            var planId = (await (await plans.PostAsJsonAsync(new Uri("/api/venue-plans", UriKind.Relative), new
            {
                name = $"Every-page hall {Guid.NewGuid():N}"[..24],
                categories = new[] { new { key = "stalls", name = "Stalls", color = "#b22222" } },
            })).ReadJsonAsync(System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
            (await plans.PostAsJsonAsync(new Uri($"/api/venue-plans/{planId}/areas", UriKind.Relative),
                new { id = "stalls", name = "Stalls", rows = 2, seatsPerRow = 4, layout = "Curved", category = "stalls" })).EnsureSuccessStatusCode();
            foreach (var path in new[] { "/organizer/venue-plans", $"/organizer/venue-plans/{planId}", $"/organizer/events/{eventId}/seating" })
            {
                await CheckAsync(organizer, path, "organizer");
            }
        }

        var admin = await SignedInAsync(DemoData.AdminEmail);
        foreach (var path in new[] { "/admin/users", "/admin/dead-letters" })
        {
            await CheckAsync(admin, path, "admin");
        }

        return visits;
    }

    [Fact]
    public async Task An_event_page_describes_itself_to_search_engines_and_link_previews_and_every_page_has_an_icon()
    {
        var page = await fixture.NewPageAsync();
        var missing = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 404)
            {
                missing.Add(response.Url);
            }
        };
        await GoToAsync(page, "/");
        Assert.Equal("Find concerts, theatre, comedy and more near you, and book your tickets in a few clicks.",
            await page.Locator("meta[name=description]").GetAttributeAsync("content"));

        // What a crawler gets: the server-rendered page, before any script runs.
        await page.ClickAsync($"[data-testid=event-link]:has-text('{DemoEvent}')");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/events/"));
        using var http = new HttpClient { BaseAddress = fixture.WebUrl };
        var html = await http.GetStringAsync(new Uri(page.Url).AbsolutePath, TestContext.Current.CancellationToken);
        Assert.Contains($"<meta property=\"og:title\" content=\"{DemoEvent}\"", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<meta name=\"description\""));
        // In the browser, enhanced navigation changes the URL before it swaps the head: wait for the event's own tags.
        await Assertions.Expect(page.Locator("meta[property='og:title']")).ToHaveAttributeAsync("content", DemoEvent);
        var description = await page.Locator("meta[name=description]").GetAttributeAsync("content");
        Assert.Contains(" at ", description, StringComparison.Ordinal);
        Assert.True(description!.Length <= 200, description);
        Assert.Equal(description, await page.Locator("meta[property='og:description']").GetAttributeAsync("content"));

        // The icons (an SVG, /favicon.ico for whatever asks for it, a touch icon) and the web manifest are all there.
        var expected = new Dictionary<string, string>
        {
            ["link[rel=icon][type='image/svg+xml']"] = "image/svg+xml", ["link[rel=icon][sizes='32x32']"] = "image/x-icon",
            ["link[rel=apple-touch-icon]"] = "image/png", ["link[rel=manifest]"] = "application/manifest+json",
        };
        foreach (var (selector, mediaType) in expected)
        {
            var href = await page.Locator(selector).GetAttributeAsync("href");
            using var iconResponse = await http.GetAsync(href, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, iconResponse.StatusCode);
            Assert.Equal(mediaType, iconResponse.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(missing);
    }

    /// <summary>
    /// axe on the page once every finite animation and transition has ended and every snackbar is fully shown: a snackbar
    /// fading in (a live notification, "saved") is measured at its final colors, not half transparent. Endless animations (a
    /// loading bar) do not hold it up.
    /// </summary>
    private static async Task<AxeResult> SettledAxeAsync(IPage page)
    {
        await page.WaitForFunctionAsync("""
            () => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)
                && [...document.querySelectorAll('.mud-snackbar')].every(snackbar => {
                    let opacity = 1;
                    for (let e = snackbar; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
                    return opacity === 1;
                })
            """);
        return await page.RunAxe(WcagAa);
    }

    private async Task<IPage> SignInAsync(string email, string password = DemoData.Password)
    {
        var page = await fixture.NewPageAsync();
        await SignInAsync(page, email, password);
        return page;
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.Locator("[data-testid=user-name]").WaitForAsync();
    }
}
