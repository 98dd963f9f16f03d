using System.Text.Json;
using System.Text.RegularExpressions;
using EventBooking.AppHost;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// An event's times are entered and shown on the clocks of its own time zone: an organizer in New York types 19:00, the API
/// stores the instant (midnight UTC the next day), the event page shows 19:00 America/New York, the editor gives 19:00 back, the
/// next new event starts in the same zone, and a time the zone skips is refused on its field.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task An_organizer_enters_times_on_the_event_zones_clocks_and_everyone_sees_them_that_way()
    {
        var organizer = await fixture.NewPageAsync();
        await RegisterAsync(organizer, "zone-organizer", accountType: "organizer");
        var title = $"Zone Gig {Guid.NewGuid():N}"[..20];

        await GoToAsync(organizer, "/organizer/events/new");
        await Assertions.Expect(organizer.Locator("#event-timezone")).ToHaveValueAsync("UTC");
        await organizer.SelectOptionAsync("#event-timezone", "America/New_York");
        await Assertions.Expect(organizer.Locator("#event-timezone")).ToHaveValueAsync("America/New_York");
        await FillEventAsync(organizer, title, "2027-03-01T19:00", "2027-03-01T22:00", capacity: "20", price: "10");
        await AssertNoAxeViolationsAsync(organizer, "new event with a time zone");
        await organizer.ClickAsync("[data-testid=save-event]");
        await organizer.WaitForURLAsync(new Regex("/organizer/events$"));

        var row = organizer.Locator("[data-testid=my-events] tr", new() { HasText = title });
        await Assertions.Expect(row).ToContainTextAsync("19:00 America/New York");
        await row.Locator("[data-testid=publish]").ClickAsync();
        await Assertions.Expect(row.Locator("[data-testid=event-status]")).ToHaveTextAsync("Published");
        var eventPath = await row.Locator("a[href^='/events/']").GetAttributeAsync("href");
        Assert.NotNull(eventPath);

        // The instant the API holds: 19:00 EST is 00:00 UTC the next day.
        using (var events = fixture.Topology.CreateClient(ResourceNames.EventsApi))
        {
            using var stored = JsonDocument.Parse(await events.GetStringAsync($"/api{eventPath}", TestContext.Current.CancellationToken));
            Assert.Equal(new DateTimeOffset(2027, 3, 2, 0, 0, 0, TimeSpan.Zero), stored.RootElement.GetProperty("startsAt").GetDateTimeOffset());
            Assert.Equal("America/New_York", stored.RootElement.GetProperty("timeZone").GetString());
        }

        // The editor gives back what was typed, not UTC.
        await row.Locator("[data-testid=edit-event]").ClickAsync();
        await organizer.WaitForURLAsync(new Regex("/edit$"));
        await Assertions.Expect(organizer.Locator("#event-starts")).ToHaveValueAsync("2027-03-01T19:00");
        await Assertions.Expect(organizer.Locator("#event-timezone")).ToHaveValueAsync("America/New_York");

        // The next event starts in the same zone; a time that zone skips (clocks forward at 02:00 on 14 March 2027) is refused.
        await GoToAsync(organizer, "/organizer/events/new");
        await Assertions.Expect(organizer.Locator("#event-timezone")).ToHaveValueAsync("America/New_York");
        await FillEventAsync(organizer, title + " 2", "2027-03-14T02:30", "2027-03-14T05:00", capacity: "20", price: "10");
        await organizer.ClickAsync("[data-testid=save-event]");
        await Assertions.Expect(organizer.Locator(".mud-input-control", new() { Has = organizer.Locator("#event-starts") }))
            .ToContainTextAsync("does not exist in the chosen time zone");
        Assert.EndsWith("/organizer/events/new", organizer.Url, StringComparison.Ordinal);

        // A visitor sees the venue's time, named.
        var visitor = await fixture.NewPageAsync();
        await GoToAsync(visitor, eventPath);
        await Assertions.Expect(visitor.Locator(".mud-main-content")).ToContainTextAsync("19:00 America/New York");

        // So does the attendee on their booking, in their bookings, and in the confirmation notifications-api writes.
        await RegisterAsync(visitor, "zone-attendee");
        await GoToAsync(visitor, eventPath);
        await BookOpenEventAsync(visitor, quantity: 1);
        await Assertions.Expect(visitor.Locator(".mud-main-content")).ToContainTextAsync("19:00 America/New York");
        await visitor.FillAsync("#card-number", "4242 4242 4242 4242");
        await visitor.ClickAsync("[data-testid=pay]");
        await visitor.Locator("[data-testid=confirmation]").WaitForAsync();
        await GoToAsync(visitor, "/bookings");
        await Assertions.Expect(visitor.Locator("tr", new() { HasText = title })).ToContainTextAsync("19:00 America/New York");
        var confirmed = visitor.Locator("[data-testid=notifications] li", new() { HasText = title });
        for (var deadline = DateTime.UtcNow.AddMinutes(1); await confirmed.CountAsync() == 0 && DateTime.UtcNow < deadline;)
        {
            await GoToAsync(visitor, "/notifications"); // the booking.confirmed message is on its way through RabbitMQ
        }

        await Assertions.Expect(confirmed.First).ToContainTextAsync("19:00 America/New York");
    }
}
