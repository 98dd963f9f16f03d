using System.Text.Json;
using System.Text.RegularExpressions;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// Reserved seating in the browser (docs/seating.md): an organizer builds a venue plan without drawing tools, exports it, puts an
/// event on it with prices, blocks a seat with a reason and releases it; seats are picked by keyboard on the map; axe on each state.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task An_organizer_builds_a_plan_puts_an_event_on_it_and_blocks_and_releases_a_seat_by_keyboard()
    {
        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        await GoToAsync(organizer, "/organizer/venue-plans");
        await AssertNoAxeViolationsAsync(organizer, "venue plans");

        // A plan with two categories; the keys are made from the names.
        var planName = $"Harbour Hall {Guid.NewGuid():N}"[..20];
        await organizer.FillAsync("#plan-name", planName);
        await organizer.FillAsync("#category-name-0", "Stalls A");
        await organizer.ClickAsync("[data-testid=category-add]");
        await organizer.FillAsync("#category-name-1", "Stalls B");
        await organizer.FillAsync("#category-color-1", "#1e90ff");
        await organizer.PressAsync("#category-name-1", "Tab");
        await organizer.ClickAsync("[data-testid=plan-create]");
        // The builder of the new plan (a navigation inside the circuit).
        await organizer.Locator("[data-testid=no-areas]").WaitForAsync();
        Assert.Matches(new Regex("/organizer/venue-plans/[0-9a-f-]{36}$"), organizer.Url);
        await AssertNoAxeViolationsAsync(organizer, "an empty plan");

        // A bad area first: the field says why, nothing is added.
        await organizer.FillAsync("#area-name", "Stalls");
        await organizer.FillAsync("#area-first-row", "a!");
        await organizer.PressAsync("#area-first-row", "Tab");
        await organizer.ClickAsync("[data-testid=area-add]");
        await Assertions.Expect(organizer.GetByText("The first row's label is one or two capital letters (A, AA) or a number.")).ToBeVisibleAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=no-areas]")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(organizer, "an area with a field error");

        // 5 × 10 curved, then a standing area.
        await organizer.FillAsync("#area-first-row", "A");
        await organizer.FillAsync("#area-rows", "5");
        await organizer.FillAsync("#area-per-row", "10");
        await organizer.PressAsync("#area-per-row", "Tab");
        await organizer.ClickAsync("[data-testid=area-layout]");
        await organizer.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Curved" }).ClickAsync();
        await Assertions.Expect(organizer.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await organizer.FillAsync("#area-arc", "90");
        await organizer.PressAsync("#area-arc", "Tab");
        await organizer.ClickAsync("[data-testid=area-add]");
        var mapSeats = organizer.Locator("[data-testid=seat-map-svg] [data-testid=seat]");
        await Assertions.Expect(mapSeats).ToHaveCountAsync(50);
        await Assertions.Expect(organizer.Locator("[data-testid=builder-status]")).ToHaveTextAsync("Area Stalls added.");

        await organizer.GetByText("General admission (standing)").ClickAsync();
        await organizer.FillAsync("#area-name", "Standing");
        await organizer.FillAsync("#area-capacity", "200");
        await organizer.PressAsync("#area-capacity", "Tab");
        await organizer.ClickAsync("[data-testid=area-add]");
        await Assertions.Expect(organizer.Locator("[data-testid=area]", new() { HasText = "Standing" })).ToHaveTextAsync("Standing: standing, 200 places");
        await AssertNoAxeViolationsAsync(organizer, "a plan with a curved area and a standing one");

        // Row A seat 1 becomes a gap, chosen by keyboard on the map.
        var a1 = organizer.Locator("[data-testid=seat][data-seat='stalls-A-1']");
        await a1.FocusAsync();
        await organizer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(a1).ToHaveAttributeAsync("aria-checked", "true");
        await Assertions.Expect(organizer.Locator("[data-testid=builder-status]")).ToHaveTextAsync("1 seat selected.");
        await organizer.ClickAsync("[data-testid=edit-present]");
        await organizer.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Make a gap" }).ClickAsync();
        await organizer.ClickAsync("[data-testid=edit-apply]");
        await Assertions.Expect(a1).ToHaveAttributeAsync("data-present", "false");
        await Assertions.Expect(a1).ToHaveAttributeAsync("aria-label", "Row A, seat 1, Stalls, Stalls A, gap");
        await Assertions.Expect(a1).ToHaveAttributeAsync("aria-checked", "false");

        // Row B seat 5 moves to Stalls B (Space toggles; the arrow keys walk the row).
        var b4 = organizer.Locator("[data-testid=seat][data-seat='stalls-B-4']");
        var b5 = organizer.Locator("[data-testid=seat][data-seat='stalls-B-5']");
        await b4.FocusAsync();
        await organizer.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(b5).ToBeFocusedAsync();
        await organizer.Keyboard.PressAsync(" ");
        await Assertions.Expect(b5).ToHaveAttributeAsync("aria-checked", "true");
        await organizer.ClickAsync("[data-testid=edit-category]");
        await organizer.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Stalls B" }).ClickAsync();
        await organizer.ClickAsync("[data-testid=edit-apply]");
        await Assertions.Expect(b5).ToHaveAttributeAsync("aria-label", "Row B, seat 5, Stalls, Stalls B");
        await Assertions.Expect(organizer.Locator("[data-testid=seat-row][data-seat='stalls-B-5']")).ToContainTextAsync("Stalls B");
        await Assertions.Expect(organizer.Locator("[data-testid=plan-summary]")).ToContainTextAsync("version 5");
        await AssertNoAxeViolationsAsync(organizer, "a plan after seat edits");
        await ShotAsync(organizer, "plan-builder");

        // The JSON download holds the edits.
        await GoToAsync(organizer, "/organizer/venue-plans");
        var row = organizer.Locator("[data-testid=plans] tr", new() { HasText = planName });
        await Assertions.Expect(row.Locator("[data-testid=plan-seats]")).ToHaveTextAsync("50");
        var download = await organizer.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=plan-export]").ClickAsync());
        using (var exported = JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken)))
        {
            var seats = exported.RootElement.GetProperty("areas")[0].GetProperty("seats").EnumerateArray().ToList();
            Assert.Equal(50, seats.Count);
            Assert.False(seats.Single(s => s.GetProperty("id").GetString() == "stalls-A-1").GetProperty("present").GetBoolean());
            Assert.Equal("stalls-b", seats.Single(s => s.GetProperty("id").GetString() == "stalls-B-5").GetProperty("category").GetString());
            Assert.Equal("GeneralAdmission", exported.RootElement.GetProperty("areas")[1].GetProperty("kind").GetString());
        }

        // An event on the plan, a price per category and for the standing area.
        var eventPath = await CreatePublishedEventAsync(organizer, $"Seated night {Guid.NewGuid():N}"[..20], "100");
        var eventId = eventPath.Split('/')[^1];
        await GoToAsync(organizer, $"/organizer/events/{eventId}/seating");
        await Assertions.Expect(organizer.Locator("[data-testid=seating-current]")).ToContainTextAsync("on no venue plan");
        await AssertNoAxeViolationsAsync(organizer, "an event on no plan");
        await organizer.ClickAsync("[data-testid=seating-plan]");
        await organizer.Locator(".mud-popover-open .mud-list-item", new() { HasText = planName }).ClickAsync();
        await organizer.FillAsync("#seating-price-0", "60");
        await organizer.FillAsync("#seating-price-1", "45");
        await organizer.FillAsync("#seating-price-2", "25");
        await organizer.PressAsync("#seating-price-2", "Tab");
        await organizer.ClickAsync("[data-testid=seating-save]");
        // Copying the seats and making the ticket types is one transaction: on a busy machine it takes a while.
        await organizer.Locator("[data-testid=seating-counts]").WaitForAsync();
        await Assertions.Expect(organizer.Locator("[data-testid=seating-status]")).ToHaveTextAsync($"The event is now on {planName}, with its prices.");
        var eventSeats = organizer.Locator("[data-testid=seat-map-svg] [data-testid=seat]");
        // The gap is no seat of the event's.
        await Assertions.Expect(eventSeats).ToHaveCountAsync(49);
        await Assertions.Expect(organizer.Locator("[data-testid=seating-counts]")).ToHaveTextAsync("49 available · 0 held or sold · 0 blocked");
        await Assertions.Expect(organizer.Locator("[data-testid=standing-area]")).ToContainTextAsync("200 of 200");
        await AssertNoAxeViolationsAsync(organizer, "an event on a plan");

        // Blocking needs a reason; then the seat is blocked and listed with it.
        var c5 = organizer.Locator("[data-testid=seat][data-seat='stalls-C-5']");
        await c5.FocusAsync();
        await organizer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(c5).ToHaveAttributeAsync("aria-checked", "true");
        await organizer.ClickAsync("[data-testid=block-seats]");
        await Assertions.Expect(organizer.Locator("[data-testid=seating-status]")).ToHaveTextAsync("Enter why the seats are blocked.");
        await organizer.FillAsync("#block-reason", "Press");
        await organizer.PressAsync("#block-reason", "Enter");
        await organizer.Locator("[data-testid=blocked-seats]").WaitForAsync();
        await Assertions.Expect(c5).ToHaveAttributeAsync("data-state", "Blocked");
        await Assertions.Expect(c5).ToHaveAttributeAsync("aria-label", "Row C, seat 5, Stalls, Stalls A, blocked");
        await Assertions.Expect(organizer.Locator("[data-testid=blocked-seat][data-seat='stalls-C-5']")).ToContainTextAsync("Press");
        await Assertions.Expect(organizer.Locator("[data-testid=seating-counts]")).ToHaveTextAsync("48 available · 0 held or sold · 1 blocked");
        await AssertNoAxeViolationsAsync(organizer, "an event with a blocked seat");
        await ShotAsync(organizer, "event-seating-blocked");

        // Released: for sale again.
        await c5.FocusAsync();
        await organizer.Keyboard.PressAsync(" ");
        await organizer.ClickAsync("[data-testid=release-seats]");
        await organizer.Locator("[data-testid=blocked-seats]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await Assertions.Expect(c5).ToHaveAttributeAsync("data-state", "Available");
        await Assertions.Expect(organizer.Locator("[data-testid=blocked-seats]")).ToHaveCountAsync(0);
        await Assertions.Expect(organizer.Locator("[data-testid=seating-status]")).ToHaveTextAsync("1 seat released.");
        await AssertNoAxeViolationsAsync(organizer, "an event after the release");
    }

    /// <summary>A screenshot for the report (beside the suite's own).</summary>
    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory("/tmp/plans-shots");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine("/tmp/plans-shots", name + ".png"), FullPage = true });
        await ScreenshotAsync(page, name);
    }
}
