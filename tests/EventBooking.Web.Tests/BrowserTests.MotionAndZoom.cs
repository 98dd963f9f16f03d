using System.Globalization;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// <c>prefers-reduced-motion</c> is honoured (no transition or animation runs, MudBlazor's included), and the main pages lose
/// nothing at 200% zoom: a 640 CSS px wide window (1280 px at 200%) scrolls only up and down, and each page's main action is
/// inside it.
/// </summary>
public sealed partial class BrowserTests
{
    /// <summary>The longest transition or animation on any element of the page, in milliseconds.</summary>
    private const string LongestMotion = """
        () => Math.max(0, ...[...document.querySelectorAll('*')].flatMap(e => {
            const style = getComputedStyle(e);
            return [...style.transitionDuration.split(','), ...style.animationDuration.split(',')]
                .map(d => d.trim().endsWith('ms') ? parseFloat(d) : parseFloat(d) * 1000);
        }))
        """;

    /// <summary>
    /// What is animating now (a CSS animation or transition) for long enough to be seen (over 1 ms), by element and property;
    /// empty when nothing is. (Under reduced motion one may still be running for its 0.01 ms when asked.)
    /// </summary>
    private const string RunningAnimations = """
        () => document.getAnimations().filter(a => a.playState === 'running' && a.effect?.getComputedTiming().duration > 1)
            .map(a => `${a.effect?.target?.className} ${a.animationName ?? a.transitionProperty} ${a.effect?.getComputedTiming().duration}ms`)
            .join('; ')
        """;

    [Fact]
    public async Task Reduced_motion_is_honoured_no_transition_or_animation_runs()
    {
        // A live page with a MudBlazor select and the drawer (the catalog is a plain form, and a visitor's has no drawer button).
        var page = await SignInAsync(DemoData.OrganizerEmail);
        await GoToAsync(page, "/organizer/api-tokens");
        var select = page.Locator(".mud-input-control.mud-select", new() { Has = page.Locator("#token-event") });

        // As a control: without the preference, MudBlazor's buttons and fields move, and its lists open with a transition.
        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.NoPreference });
        Assert.True(await page.EvaluateAsync<double>(LongestMotion) >= 100, "MudBlazor animates something by default");
        await select.ClickAsync();
        // Polled every frame: the transition is caught while it runs.
        await page.WaitForFunctionAsync($"() => ({RunningAnimations})() !== ''");
        await CloseListAsync();

        await page.EmulateMediaAsync(new() { ReducedMotion = ReducedMotion.Reduce });
        // A transition started before the switch (the field's border as the list closed) runs its course; new ones must not.
        await page.WaitForFunctionAsync($"() => ({RunningAnimations})() === ''");
        Assert.True(await page.EvaluateAsync<double>(LongestMotion) <= 0.01, "something still moves under prefers-reduced-motion");

        // A list opening (a popover) and the drawer closing: over at once, nothing running.
        await select.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Option).First).ToBeVisibleAsync();
        Assert.Equal("", await page.EvaluateAsync<string>(RunningAnimations));
        await CloseListAsync();
        await page.ClickAsync("button[aria-label='Toggle navigation']");
        Assert.Equal("", await page.EvaluateAsync<string>(RunningAnimations));

        // Escape closes the select's list: its options go (other popovers of the page, such as tooltips, are not its business).
        async Task CloseListAsync()
        {
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(page.GetByRole(AriaRole.Option).First).ToBeHiddenAsync();
        }
    }

    [Fact]
    public async Task At_200_percent_zoom_the_main_pages_scroll_only_vertically_and_keep_their_main_actions_in_reach()
    {
        var attendee = await fixture.NewPageAsync();
        await RegisterAsync(attendee, "zoom");
        var booking = await BookDemoEventAsync(attendee, quantity: 1);
        await attendee.SetViewportSizeAsync(640, 900);

        var problems = new List<string>();
        async Task CheckAsync(IPage page, string path, string mainAction)
        {
            await GoToAsync(page, path);
            await page.Locator("h1").First.WaitForAsync();
            var action = page.Locator(mainAction).First;
            await action.WaitForAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth");
            if (overflow > 0)
            {
                var widest = await page.EvaluateAsync<string>("""
                    () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
                        .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')).slice(0, 5).join(', ')
                    """);
                problems.Add($"{path}: the page scrolls sideways by {overflow}px ({widest})");
            }

            // A live page goes on loading after its circuit's first render (the event page: ticket types, seating, reviews) and may
            // render its action anew meanwhile (an island's circuit replaces its prerendered DOM: the visitor's seats left): scroll
            // to the one that is there then, and measure it, again if it went away in between (no box).
            LocatorBoundingBoxResult? box = null;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await action.ScrollIntoViewIfNeededAsync();
                    box = await action.BoundingBoxAsync();
                    if (box is not null || attempt == 5)
                    {
                        break;
                    }
                }
                catch (PlaywrightException ex) when (attempt < 5 && ex.Message.Contains("not attached", StringComparison.Ordinal))
                {
                }

                await action.WaitForAsync();
            }

            if (box is null || box.X < 0 || box.X + box.Width > 640 || !await action.IsVisibleAsync())
            {
                problems.Add($"{path}: {mainAction} is not inside the 640px window ({box?.X.ToString(CultureInfo.InvariantCulture)}, width {box?.Width.ToString(CultureInfo.InvariantCulture)})");
            }

            await ScreenshotAsync(page, "zoom-200" + path.Replace('/', '-').TrimEnd('-'));
        }

        await CheckAsync(attendee, "/", "[data-testid=search]");
        await CheckAsync(attendee, "/", "[data-testid=event-link]");
        await CheckAsync(attendee, "/", "button[aria-label='Toggle navigation']");
        await CheckAsync(attendee, $"/bookings/{booking}", "[data-testid=pay]");
        await CheckAsync(attendee, "/bookings", "[data-testid=bookings]");
        await CheckAsync(attendee, "/tickets", "h1");
        await CheckAsync(attendee, "/notifications", "[data-testid=mark-all-read]");
        await CheckAsync(attendee, "/account/profile", "#profile-name");

        var visitor = await fixture.NewPageAsync();
        await GoToAsync(visitor, "/");
        await visitor.ClickAsync($"[data-testid=event-link]:has-text('{DemoEvent}')");
        await visitor.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/events/"));
        var demoEventPath = new Uri(visitor.Url).AbsolutePath;
        await visitor.SetViewportSizeAsync(640, 900);
        await CheckAsync(attendee, demoEventPath, "[data-testid=book]");
        await CheckAsync(visitor, demoEventPath, "[data-testid=availability]");

        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        await organizer.SetViewportSizeAsync(640, 900);
        await CheckAsync(organizer, "/organizer/events", "[data-testid=new-event]");
        await CheckAsync(organizer, "/organizer/events", "[data-testid=my-events] a[href$='/edit']");
        await CheckAsync(organizer, "/organizer/events/new", "[data-testid=save-event]");

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
    [Fact]
    public async Task On_a_phone_the_app_bar_keeps_every_control_in_sight_for_a_visitor_and_a_signed_in_user()
    {
        // 360 CSS px: the narrowest common phone. Every link and button of the app bar is inside the window and the page does
        // not scroll sideways; the language and sign-out keep their names for screen readers.
        var problems = new List<string>();
        async Task CheckAsync(IPage page, string who, string path)
        {
            await page.SetViewportSizeAsync(360, 740);
            await GoToAsync(page, path);
            await page.Locator("h1").First.WaitForAsync();
            var outside = await page.EvaluateAsync<string>("""
                () => [...document.querySelectorAll('.mud-appbar a, .mud-appbar button')]
                    .filter(e => e.offsetParent !== null)
                    .filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > document.documentElement.clientWidth || r.top < 0; })
                    .map(e => (e.dataset.testid ?? e.textContent.trim()) + ' at ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right))
                    .join(', ')
                """);
            if (outside.Length > 0)
            {
                problems.Add($"{who} {path}: outside the 360px window: {outside}");
            }

            var overflow = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth");
            if (overflow > 0)
            {
                problems.Add($"{who} {path}: the page scrolls sideways by {overflow}px");
            }

            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Deutsch" })).ToBeVisibleAsync();
            await ScreenshotAsync(page, $"phone-{who}{path.Replace('/', '-').TrimEnd('-')}");
        }

        var visitor = await fixture.NewPageAsync();
        await CheckAsync(visitor, "visitor", "/");
        await CheckAsync(visitor, "visitor", "/account/login");
        // Registration is a link on the sign-in page rather than a button in the bar.
        await Assertions.Expect(visitor.Locator("main a[href='/account/register']")).ToBeVisibleAsync();

        var attendee = await fixture.NewPageAsync();
        await RegisterAsync(attendee, "phone");
        var booking = await BookDemoEventAsync(attendee, quantity: 1);
        await CheckAsync(attendee, "attendee", "/");
        await CheckAsync(attendee, "attendee", $"/bookings/{booking}");
        await Assertions.Expect(attendee.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
