using System.Globalization;
using System.Net.Http.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The waiting room in the browser: the organizer switches it on and sets its rate on the event's room page; a buyer finds the
/// booking form replaced by the line, takes a place behind others, watches the position go down without reloading, and books
/// with the pass once admitted; the organizer's page follows the line's figures.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task A_buyer_waits_in_line_sees_the_position_go_down_and_books_with_the_pass_while_the_organizer_follows_the_line()
    {
        var title = $"Queued sale {Guid.NewGuid():N}"[..24];
        var eventId = await fixture.Topology.CreatePublishedEventAsync(new NewEvent { Title = title });
        // The people ahead, and the buyer, have their accounts before the sale opens (registering takes seconds each).
        var ahead = new List<Account>();
        for (var i = 0; i < 6; i++)
        {
            ahead.Add(await fixture.Topology.RegisterAsync());
        }

        var buyer = await fixture.NewPageAsync();
        await RegisterAsync(buyer, "line");

        // The organizer switches the room on at 20 admissions a minute: one buyer every 3 s.
        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        await GoToAsync(organizer, "/organizer/events");
        await organizer.Locator("[data-testid=my-events] tr", new() { HasText = title }).Locator("[data-testid=waiting-room]").ClickAsync();
        await organizer.WaitForURLAsync($"**/organizer/events/{eventId}/waiting-room");
        await Assertions.Expect(organizer.Locator("[data-testid=room-state]")).ToHaveAttributeAsync("data-enabled", "false");
        await organizer.GetByLabel("Waiting room on").CheckAsync();
        await organizer.FillAsync("#room-rate", "20");
        await organizer.PressAsync("#room-rate", "Tab");
        await organizer.FillAsync("#room-pass", "300");
        await organizer.PressAsync("#room-pass", "Tab");
        await organizer.ClickAsync("[data-testid=room-save]");
        await Assertions.Expect(organizer.Locator("[data-testid=room-state]")).ToHaveAttributeAsync("data-enabled", "true");
        await Assertions.Expect(organizer.Locator("[data-testid=room-rate]")).ToHaveTextAsync("20 per minute");
        await AssertNoAxeViolationsAsync(organizer, "the waiting room's settings");

        // Six people take their places first.
        foreach (var account in ahead)
        {
            using var events = fixture.Topology.CreateClient(ResourceNames.EventsApi, account.AccessToken);
            using var joined = await events.PostAsync(new Uri($"/api/events/{eventId}/queue", UriKind.Relative), null, TestContext.Current.CancellationToken);
            Assert.True(joined.IsSuccessStatusCode, $"joining the line: {(int)joined.StatusCode} {await joined.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        // The buyer's event page has no booking form while the room is on: the line stands in its place.
        await GoToAsync(buyer, $"/events/{eventId}");
        await buyer.Locator("[data-testid=join-line]").WaitForAsync();
        await Assertions.Expect(buyer.Locator("[data-testid=book]")).ToHaveCountAsync(0);
        await buyer.ClickAsync("[data-testid=join-line]");
        await buyer.WaitForURLAsync($"**/events/{eventId}/queue");
        var position = buyer.Locator("[data-testid=position]");
        await position.WaitForAsync();
        var first = int.Parse((await position.GetAttributeAsync("data-position"))!, CultureInfo.InvariantCulture);
        Assert.True(first >= 2, $"the buyer joined behind the others, at {first}");
        await ScreenshotAsync(buyer, "waiting-room-line");
        await AssertNoAxeViolationsAsync(buyer, "the line page");

        // The place moves by itself (the page is not reloaded) until it is the buyer's turn.
        var seen = new List<int> { first };
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (!await buyer.Locator("[data-testid=line-admitted]").IsVisibleAsync() && DateTimeOffset.UtcNow < deadline)
        {
            var now = await buyer.EvaluateAsync<string?>("() => document.querySelector('[data-testid=position]')?.dataset.position ?? null");
            if (now is not null && int.Parse(now, CultureInfo.InvariantCulture) is var at && at != seen[^1])
            {
                seen.Add(at);
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        Assert.True(seen.Count >= 2, $"the position never moved: {string.Join(" → ", seen)}");
        Assert.True(seen.SequenceEqual(seen.OrderByDescending(p => p)), $"the position only goes down: {string.Join(" → ", seen)}");
        await buyer.Locator("[data-testid=line-admitted]").WaitForAsync();
        await ScreenshotAsync(buyer, "waiting-room-your-turn");

        // Admitted: the booking form is back, with the pass's deadline, and the booking goes through with the pass.
        await buyer.ClickAsync("[data-testid=book-now]");
        await buyer.WaitForURLAsync($"**/events/{eventId}");
        await buyer.Locator("[data-testid=pass-alert]").WaitForAsync();
        await BookOpenEventAsync(buyer, 1);
        await buyer.FillAsync("#card-number", "4242 4242 4242 4242");
        await buyer.ClickAsync("[data-testid=pay]");
        await buyer.Locator("[data-testid=confirmation]").WaitForAsync();

        // The organizer's page follows the line: everyone admitted, one pass used, nobody left waiting.
        await Assertions.Expect(organizer.Locator("[data-testid=room-used]")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await Assertions.Expect(organizer.Locator("[data-testid=room-admitted]")).ToHaveTextAsync("7");
        await Assertions.Expect(organizer.Locator("[data-testid=room-waiting]")).ToHaveTextAsync("0");
        await ScreenshotAsync(organizer, "waiting-room-organizer");

        // Switched off, the event sells directly again.
        using var owner = await fixture.Topology.AsAsync(ResourceNames.EventsApi, "organizer");
        using var off = await owner.PutAsJsonAsync(new Uri($"/api/events/{eventId}/queue", UriKind.Relative), new { enabled = false }, TestContext.Current.CancellationToken);
        off.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_buyer_joins_a_sold_out_events_waiting_list_is_offered_a_cancelled_seat_and_books_it_and_the_organizer_sees_the_list()
    {
        var ct = TestContext.Current.CancellationToken;
        var title = $"Sold-out night {Guid.NewGuid():N}"[..26];
        var eventId = await fixture.Topology.CreatePublishedEventAsync(new NewEvent { Title = title, Capacity = 1 });
        var holder = await fixture.Topology.RegisterAsync();
        using var holderBookings = fixture.Topology.CreateClient(ResourceNames.BookingsApi, holder.AccessToken);
        var held = (await holderBookings.BookAsync(eventId, cancellationToken: ct)).GetProperty("id").GetGuid();

        // Sold out: the event page offers the waiting list instead of the booking form.
        var buyer = await fixture.NewPageAsync();
        await RegisterAsync(buyer, "waitlist");
        await GoToAsync(buyer, $"/events/{eventId}");
        await Assertions.Expect(buyer.Locator("[data-testid=availability]")).ToContainTextAsync("Sold out");
        await buyer.Locator("[data-testid=waiting-list-join-button]").ClickAsync();
        await Assertions.Expect(buyer.Locator("[data-testid=waiting-list-place]")).ToContainTextAsync("You are number 1 on the waiting list");
        await AssertNoAxeViolationsAsync(buyer, "the event page with a place on its waiting list");

        // The seat comes back (the holder cancels): it is held for the first in line, and the page says so without a reload.
        using (var cancelled = await holderBookings.PostAsJsonAsync(new Uri($"/api/bookings/{held}/cancel", UriKind.Relative), new { reason = "Cannot come." }, ct))
        {
            cancelled.EnsureSuccessStatusCode();
        }

        var offer = buyer.Locator("[data-testid=waiting-list-offer]");
        await Assertions.Expect(offer).ToContainTextAsync("Held for you until", new() { Timeout = 60_000 });
        await ScreenshotAsync(buyer, "waiting-list-offer");
        await AssertNoAxeViolationsAsync(buyer, "the event page with seats offered from its waiting list");
        await buyer.Locator("[data-testid=waiting-list-book]").ClickAsync();
        await buyer.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/bookings/[0-9a-f-]{36}$"));
        await buyer.FillAsync("#card-number", "4242 4242 4242 4242");
        await buyer.ClickAsync("[data-testid=pay]");
        await buyer.Locator("[data-testid=confirmation]").WaitForAsync();

        // The organizer's list shows the buyer's entry, booked, and offers it as CSV.
        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        await GoToAsync(organizer, "/organizer/events");
        await organizer.Locator("[data-testid=my-events] tr", new() { HasText = title }).Locator("[data-testid=waiting-list]").ClickAsync();
        await organizer.WaitForURLAsync($"**/organizer/events/{eventId}/waiting-list");
        var row = organizer.Locator("[data-testid=waiting-list] tbody tr").First;
        await Assertions.Expect(row).ToContainTextAsync("waitlist tester");
        await Poll.UntilAsync(async () =>
        {
            await GoToAsync(organizer, $"/organizer/events/{eventId}/waiting-list");
            return (await organizer.Locator("[data-testid=waiting-list] tbody tr").First.InnerTextAsync()).Contains("Booked", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "the entry is marked booked once the offer is paid", ct);
        await Assertions.Expect(organizer.Locator("[data-testid=waiting-list-csv]")).ToHaveAttributeAsync("href", $"/organizer/events/{eventId}/waiting-list.csv");
        await ScreenshotAsync(organizer, "waiting-list-organizer");
        await AssertNoAxeViolationsAsync(organizer, "the organizer's waiting list");
    }
}
