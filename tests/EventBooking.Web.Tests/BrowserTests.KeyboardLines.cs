using System.Net.Http.Json;
using System.Text.RegularExpressions;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The sale-day pages with the keyboard alone (as <c>BrowserTests.Keyboard</c> does for the main flow): the organizer's waiting
/// room settings, the buyer's line page, the waiting list of a sold-out event; and the checkout opened as a visit's first page,
/// where it is an island in a layout rendered on the server only (PageModes): it pays, its dialog and the bell work, and
/// its links lead on into live pages.
/// </summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task The_waiting_room_settings_the_line_and_a_waiting_list_work_with_the_keyboard_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        var title = $"Keyboard line {Guid.NewGuid():N}"[..22];
        var eventId = await fixture.Topology.CreatePublishedEventAsync(new NewEvent { Title = title });

        // The organizer switches the room on and sets its rate: Space on the switch, typing into the fields Tab reaches.
        var organizer = await SignInAsync(DemoData.OrganizerEmail);
        await GoToAsync(organizer, $"/organizer/events/{eventId}/waiting-room");
        await Assertions.Expect(organizer.Locator("[data-testid=room-state]")).ToHaveAttributeAsync("data-enabled", "false");
        await TabToAsync(organizer, "[data-testid=room-form] input[type=checkbox]");
        await organizer.Keyboard.PressAsync("Space");
        await Assertions.Expect(organizer.GetByLabel("Waiting room on")).ToBeCheckedAsync();
        await TabToAsync(organizer, "#room-rate");
        await organizer.Keyboard.PressAsync("ControlOrMeta+A");
        await organizer.Keyboard.TypeAsync("600");
        await TabToAsync(organizer, "#room-pass");
        await organizer.Keyboard.PressAsync("ControlOrMeta+A");
        await organizer.Keyboard.TypeAsync("300");
        await TabToAsync(organizer, "[data-testid=room-save]");
        await organizer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(organizer.Locator("[data-testid=room-state]")).ToHaveAttributeAsync("data-enabled", "true");
        await Assertions.Expect(organizer.Locator("[data-testid=room-rate]")).ToHaveTextAsync("600 per minute");

        // The buyer joins the line from the event page, hears the place (a polite status) and books from it once admitted.
        var buyer = await fixture.NewPageAsync();
        await RegisterAsync(buyer, "keyline");
        await GoToAsync(buyer, $"/events/{eventId}");
        await buyer.Locator("[data-testid=join-line]").WaitForAsync();
        await TabToAsync(buyer, "[data-testid=join-line]");
        await buyer.Keyboard.PressAsync("Enter");
        await buyer.WaitForURLAsync($"**/events/{eventId}/queue");
        await Assertions.Expect(buyer.Locator("h1")).ToBeFocusedAsync();
        await Assertions.Expect(buyer.Locator("[role=status][data-testid=line-admitted]")).ToContainTextAsync("Book", new() { Timeout = 60_000 });
        await TabToAsync(buyer, "[data-testid=book-now]");
        await buyer.Keyboard.PressAsync("Enter");
        await buyer.WaitForURLAsync($"**/events/{eventId}");
        await buyer.Locator("[data-testid=pass-alert]").WaitForAsync();
        await buyer.Locator("[data-testid=book]").WaitForAsync();
        await TabToAsync(buyer, "[data-testid=book]");
        await buyer.Keyboard.PressAsync("Enter");
        await buyer.WaitForURLAsync(new Regex("/bookings/[0-9a-f-]{36}$"));
        await Assertions.Expect(buyer.Locator("h1")).ToBeFocusedAsync();

        // A sold-out event: join its waiting list by Tab and Enter; focus goes to the place given, and back to the form on leaving.
        var soldOut = await fixture.Topology.CreatePublishedEventAsync(new NewEvent { Title = $"Keyboard sold out {Guid.NewGuid():N}"[..26], Capacity = 1 });
        var holder = await fixture.Topology.RegisterAsync();
        using var holderBookings = fixture.Topology.CreateClient(ResourceNames.BookingsApi, holder.AccessToken);
        await holderBookings.BookAsync(soldOut, cancellationToken: ct);
        await GoToAsync(buyer, $"/events/{soldOut}");
        await buyer.Locator("[data-testid=waiting-list-join-button]").WaitForAsync();
        await TabToAsync(buyer, "[data-testid=waiting-list-join-button]");
        await buyer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(buyer.Locator("[data-testid=waiting-list-place]")).ToContainTextAsync("You are number 1 on the waiting list");
        await Assertions.Expect(buyer.Locator("[data-testid=waiting-list-result]")).ToBeFocusedAsync();
        await AssertFocusShowsAsync(buyer);
        await TabToAsync(buyer, "[data-testid=waiting-list-leave]");
        await buyer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(buyer.Locator("[data-testid=waiting-list-join-button]")).ToBeVisibleAsync();
        await Assertions.Expect(buyer.Locator("[data-testid=waiting-list-result]")).ToBeFocusedAsync();
        await TabToAsync(buyer, "[data-testid=waiting-list-join-button]");
        await AssertNoAxeViolationsAsync(buyer, "the event page after leaving its waiting list");

        using var owner = await fixture.Topology.AsAsync(ResourceNames.EventsApi, "organizer");
        using var off = await owner.PutAsJsonAsync(new Uri($"/api/events/{eventId}/queue", UriKind.Relative), new { enabled = false }, ct);
        off.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task The_checkout_opened_first_is_a_live_island_in_a_server_rendered_layout_and_pays_cancels_and_rings_the_bell()
    {
        var attendee = await fixture.NewPageAsync();
        await RegisterAsync(attendee, "island");
        var booking = await BookDemoEventAsync(attendee, quantity: 1);

        // Opened afresh (from the email, or reloaded): one circuit, for the page and the bell, and no live drawer button.
        var circuits = 0;
        attendee.WebSocket += (_, socket) => circuits += socket.Url.Contains("/_blazor", StringComparison.Ordinal) ? 1 : 0;
        // The circuit's first render must be the booking the prerender showed (handed over in the page), not a loading bar while
        // bookings-api is asked again.
        await WatchForLoadingAsync(attendee);
        await GoToAsync(attendee, $"/bookings/{booking}");
        await Assertions.Expect(attendee.Locator("[data-testid=menu-button]")).ToHaveCountAsync(0);
        await Assertions.Expect(attendee.Locator("#interactive-ready")).ToHaveCountAsync(1);
        await Assertions.Expect(attendee.Locator("[data-testid=bell]")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 30_000 });
        Assert.Equal(1, circuits);
        await AssertNoLoadingShownAsync(attendee, "The checkout");

        // Pays by keyboard: the result is announced and focused; the bell, an island of its own, hears the confirmation.
        await TabToAsync(attendee, "#card-number");
        await attendee.Keyboard.TypeAsync("4242 4242 4242 4242");
        await attendee.Keyboard.PressAsync("Enter");
        await Assertions.Expect(attendee.Locator("[data-testid=confirmation-focus]")).ToBeFocusedAsync();
        await Assertions.Expect(attendee.Locator("[role=status][data-testid=bell-announcer]")).ToHaveTextAsync(
            new Regex(@"^New notification\. \d+ unread notifications?\.$"), new() { Timeout = 60_000 });
        await Assertions.Expect(attendee.Locator(".mud-snackbar[role=alert]").Last).Not.ToBeEmptyAsync();

        // MudBlazor's dialog works beside the island (its provider is an island too) and gives focus back on Escape.
        await TabToAsync(attendee, "[data-testid=cancel-booking]");
        await attendee.Keyboard.PressAsync("Enter");
        await Assertions.Expect(attendee.Locator(".mud-dialog")).ToBeVisibleAsync();
        await AssertNoAxeViolationsAsync(attendee, "the checkout as an island, its dialog open");
        await attendee.Keyboard.PressAsync("Escape");
        await Assertions.Expect(attendee.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(attendee.Locator("[data-testid=cancel-booking]")).ToBeFocusedAsync();

        // A link of the server-rendered navigation leads into a live page, whose own circuit starts.
        await TabToAsync(attendee, "a[href='/tickets']", backwards: true);
        await attendee.Keyboard.PressAsync("Enter");
        await attendee.WaitForURLAsync(new Regex("/tickets$"));
        await Assertions.Expect(attendee.Locator("[data-testid=ticket-qr]")).ToHaveCountAsync(1);
        await Assertions.Expect(attendee.Locator("[data-testid=menu-button]")).ToHaveCountAsync(1);
        await Assertions.Expect(attendee.Locator("#interactive-ready")).ToHaveCountAsync(1);
    }
}
