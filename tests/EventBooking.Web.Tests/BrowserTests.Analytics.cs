using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// Analytics in the browser: a visitor's two looks at an event are two views by one visitor (the web's visitor cookie; the
/// prerender's read is not a view of its own), the organizer's analytics page shows them with a funnel and a series drawn
/// even with a single point, and a signed-in person's "My activity" lists what they looked at.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task The_organizer_sees_views_and_visitors_in_a_funnel_and_a_person_sees_their_own_activity()
    {
        var title = $"Analytics night {Guid.NewGuid():N}"[..28];
        var eventId = await fixture.Topology.CreatePublishedEventAsync(new NewEvent { Title = title });

        // A visitor opens the event twice (the second time the browser sends its visitor cookie back).
        var visitor = await fixture.NewPageAsync();
        for (var look = 0; look < 2; look++)
        {
            await GoToAsync(visitor, $"/events/{eventId}");
            await visitor.Locator("h1").First.WaitForAsync();
        }

        Assert.Contains(await visitor.Context.CookiesAsync(), c => c.Name == "eventbooking.visitor" && c.HttpOnly);

        // A signed-in attendee opens it once: their activity lists it.
        var attendee = await SignInAsync(DemoData.AttendeeEmail);
        await GoToAsync(attendee, $"/events/{eventId}");
        await attendee.Locator("h1").First.WaitForAsync();

        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        await Poll.UntilAsync(async () =>
        {
            await GoToAsync(organizer, $"/organizer/events/{eventId}/analytics");
            await organizer.Locator("[data-testid=analytics-views]").WaitForAsync();
            return await organizer.Locator("[data-testid=analytics-views]").InnerTextAsync() == "3";
        }, TimeSpan.FromSeconds(30), "the three views reach the analytics page", TestContext.Current.CancellationToken);
        await Assertions.Expect(organizer.Locator("[data-testid=analytics-visitors]")).ToHaveTextAsync("2");
        await Assertions.Expect(organizer.Locator("[data-testid=analytics-checkin-rate]")).ToHaveTextAsync("No tickets yet");
        await Assertions.Expect(organizer.Locator("[data-testid=funnel-rates]")).ToContainTextAsync("Views to holds 0%");

        // The event is minutes old: one hourly point, drawn as bars (a line through one point would be invisible).
        await Assertions.Expect(organizer.Locator("[data-testid=analytics-table] tbody tr")).ToHaveCountAsync(1);
        Assert.True(await organizer.Locator("[data-testid=series-chart] svg path").CountAsync() > 0, "the one-point series draws bars");
        Assert.True(await organizer.Locator("[data-testid=funnel-chart] svg path").CountAsync() > 0, "the funnel draws bars");
        await AssertNoAxeViolationsAsync(organizer, "event analytics");
        await organizer.Locator("[data-testid=funnel-chart]").ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "analytics-funnel.png") });
        await ScreenshotAsync(organizer, "analytics-page");

        // Another period: the last 7 days, daily.
        await organizer.ClickAsync("[data-testid=period-7d]");
        await Assertions.Expect(organizer.Locator("[data-testid=analytics-period]")).ToContainTextAsync("per day");
        await Assertions.Expect(organizer.Locator("[data-testid=analytics-views]")).ToHaveTextAsync("3");

        // The attendee's own activity shows the look; nobody else's page does.
        await Poll.UntilAsync(async () =>
        {
            await GoToAsync(attendee, "/activity");
            await attendee.Locator("h1").First.WaitForAsync();
            return await attendee.Locator("[data-testid=activity]").GetByText(title).CountAsync() > 0;
        }, TimeSpan.FromSeconds(30), "the attendee's view is in their activity", TestContext.Current.CancellationToken);
        await AssertNoAxeViolationsAsync(attendee, "my activity");
        await GoToAsync(organizer, "/activity");
        await organizer.Locator("h1").First.WaitForAsync();
        Assert.Equal(0, await organizer.GetByText(title).CountAsync());
    }
}
