using Bunit;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Pages;
using EventBooking.Web.Components.Shared;
using EventBooking.Web.Extensions;
using Error = EventBooking.ServiceDefaults.Error;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>bUnit tests of pages over <see cref="StubApi"/>, answering as the services do: a signed-in attendee.</summary>
public abstract class PageTestContext : BunitContext
{
    protected PageTestContext()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        AddAuthorization().SetAuthorized("page tester");
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(new EventsClient(Api.Client()));
        Services.AddSingleton(new EventBooking.Web.Components.Seating.SeatAvailabilityFeed(() => new EventsClient(Api.Client()),
            TimeSpan.FromMilliseconds(100), Microsoft.Extensions.Logging.Abstractions.NullLogger<EventBooking.Web.Components.Seating.SeatAvailabilityFeed>.Instance));
        Services.AddSingleton(new BookingsClient(Api.Client()));
        Services.AddSingleton(new NotificationsClient(Api.Client()));
        Services.AddSingleton(new WaitingListClient(Api.Client(), Api.Client()));
    }

    protected StubApi Api { get; } = new();
}

public sealed class EventDetailsTests : PageTestContext
{
    private readonly Guid _eventId = Guid.CreateVersion7();

    public EventDetailsTests()
    {
        var startsAt = DateTimeOffset.UtcNow.AddDays(30);
        Api.Ok($"/api/events/{_eventId}", new EventDto(_eventId, "Stub Gig", "A gig.", "Hall", "Oslo", startsAt, startsAt.AddHours(3), "Europe/Oslo",
                "music", 10, 12.5m, "EUR", Guid.CreateVersion7(), "Published", null, startsAt, startsAt, startsAt, null, null, 5, 1))
            .Ok($"/api/events/{_eventId}/availability", new { eventId = _eventId, capacity = 10, available = 5, held = 0, sold = 5 })
            .Ok($"/api/events/{_eventId}/reviews/summary", new { averageRating = (double?)null, count = 0 })
            .Ok($"/api/events/{_eventId}/reviews", new Paged<ReviewDto>([], 1, 20, 0));
        // The page as a signed-in user's circuit renders it (live; a visitor's server-only render is the browser tests'). Set
        // once every service is registered: it reads them.
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    private const string ServiceWords = "The service's own words.";

    [Theory]
    [InlineData("sold-out", ErrorKind.Conflict, "Not enough seats are left for that many tickets.")]
    [InlineData("not-on-sale", ErrorKind.Conflict, "This event is not on sale any more.")]
    [InlineData("over-order-limit", ErrorKind.Unprocessable, "That is more tickets of one type than one order may have. Choose fewer.")]
    [InlineData("ticket-type-not-on-sale", ErrorKind.Conflict, "One of the ticket types you chose is not on sale right now.")]
    [InlineData("promo-code-not-applicable", ErrorKind.Unprocessable, "This promo code does not apply to the tickets you chose.")]
    [InlineData("too-many-requests", ErrorKind.TooMany, ServiceWords)]
    public void A_refused_booking_says_why_by_the_problems_code(string code, ErrorKind kind, string shown)
    {
        Api.Refuse("/api/bookings", new Error(code, kind, ServiceWords));
        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("[data-testid=book]").Click();

        page.WaitForAssertion(() => Assert.Equal(shown, page.Find("[data-testid=problem]").TextContent.Trim()));
        Assert.Contains("POST /api/bookings", Api.Requests);
    }

    private TicketTypeDto NewType(string name, decimal price, int available, bool onSale, DateTimeOffset? start = null, DateTimeOffset? end = null,
        string visibility = TicketTypeVisibility.Public, int maxPerOrder = 4) =>
        new(Guid.CreateVersion7(), _eventId, name, null, price, "EUR", null, available, onSale, start, end, maxPerOrder, visibility, 0, null, null);

    [Fact]
    public void Several_types_show_their_state_hidden_ones_are_not_offered_and_the_booking_sends_a_line_per_chosen_type()
    {
        var now = DateTimeOffset.UtcNow;
        var standard = NewType("Standard", 12.5m, 5, onSale: true);
        var vip = NewType("VIP", 40m, 2, onSale: true, maxPerOrder: 1);
        TicketTypeDto[] types = [standard, vip, NewType("Early bird", 9m, 5, onSale: false, end: now.AddDays(-1)),
            NewType("Late", 15m, 5, onSale: false, start: now.AddDays(2)), NewType("Balcony", 20m, 0, onSale: true),
            NewType("Backstage", 99m, 5, onSale: true, visibility: TicketTypeVisibility.Hidden)];
        Api.Ok($"/api/events/{_eventId}/ticket-types", types)
            .Refuse("/api/bookings", new Error("over-order-limit", ErrorKind.Unprocessable, ServiceWords));

        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid=ticket-type]").Count));
        Assert.DoesNotContain("Backstage", page.Markup, StringComparison.Ordinal);
        Assert.Equal(["on-sale", "on-sale", "ended", "not-yet", "sold-out"], page.FindAll("[data-testid=ticket-type-state]").Select(e => e.GetAttribute("data-state")));
        Assert.Equal("Sales have ended", page.FindAll("[data-testid=ticket-type-state]")[2].TextContent.Trim());
        // Only types on sale have a stepper; the book button waits for a seat to be chosen.
        Assert.Equal(2, page.FindAll("input[id^=quantity-]").Count);
        Assert.True(page.Find("[data-testid=book]").HasAttribute("disabled"));

        page.Find($"#quantity-{standard.Id:N}").Change("2");
        page.Find($"#quantity-{vip.Id:N}").Change("1");
        page.WaitForAssertion(() => Assert.Equal("65.00 EUR", page.Find("[data-testid=total]").TextContent.Trim()));
        page.Find("[data-testid=book]").Click();

        page.WaitForAssertion(() => Assert.Equal("That is more tickets of one type than one order may have. Choose fewer.", page.Find("[data-testid=problem]").TextContent.Trim()));
        var body = System.Text.Json.JsonDocument.Parse(Api.BodyOf("POST /api/bookings")!).RootElement;
        var lines = body.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("ticketTypeId").GetGuid(), l.GetProperty("quantity").GetInt32())).ToList();
        Assert.Equal([(standard.Id, 2), (vip.Id, 1)], lines);
        Assert.False(body.TryGetProperty("quantity", out _));
    }

    [Theory]
    [InlineData("promo-code-invalid", ErrorKind.Unprocessable, "This promo code is not valid for this event.")]
    [InlineData("promo-code-expired", ErrorKind.Conflict, "This promo code has expired.")]
    [InlineData("promo-code-not-yet-valid", ErrorKind.Conflict, "This promo code is not valid yet.")]
    [InlineData("promo-code-used-up", ErrorKind.Conflict, "This promo code has been used up.")]
    public void A_refused_code_says_why_in_the_webs_words_and_unlocks_nothing(string code, ErrorKind kind, string shown)
    {
        Api.Ok($"/api/events/{_eventId}/ticket-types", new[] { NewType("Standard", 12.5m, 5, onSale: true), NewType("Crew", 5m, 5, onSale: true, visibility: TicketTypeVisibility.Hidden) })
            .Refuse($"/api/events/{_eventId}/promo-codes/check", new Error(code, kind, ServiceWords));
        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("[data-testid=book]");
        page.Find("#promo-code").Change("CREW-PASS");
        page.Find("[data-testid=promo-apply]").Click();

        page.WaitForAssertion(() => Assert.Equal(shown, page.Find("[data-testid=promo-result]").TextContent.Trim()));
        Assert.Equal("true", page.Find("[data-testid=promo-result]").GetAttribute("data-refused"));
        Assert.Empty(page.FindAll("[data-testid=ticket-type]"));
        Assert.Equal("""{"code":"CREW-PASS"}""", Api.BodyOf($"POST /api/events/{_eventId}/promo-codes/check"));
    }

    [Fact]
    public void An_applied_code_says_what_it_gives_and_its_hidden_type_joins_the_picker_with_the_seats_chosen()
    {
        var standard = NewType("Standard", 12.5m, 5, onSale: true);
        var crewId = Guid.CreateVersion7();
        Api.Ok($"/api/events/{_eventId}/ticket-types", new[] { standard })
            .Ok($"/api/events/{_eventId}/promo-codes/check", new PromoCodeCheckDto("CREW-PASS", "percent", 20m, "EUR", [standard.Id], null,
                [new UnlockedTicketTypeDto(crewId, "Crew", 5m, "EUR", 2, 3, true, null, null)]));
        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("#quantity").Change("2");
        // Nothing typed: nothing asked.
        page.Find("[data-testid=promo-apply]").Click();
        page.WaitForAssertion(() => Assert.Equal("Enter a promo code first.", page.Find("[data-testid=promo-result]").TextContent.Trim()));
        Assert.Null(Api.BodyOf($"POST /api/events/{_eventId}/promo-codes/check"));

        page.Find("#promo-code").Change("crew-pass");
        page.Find("[data-testid=promo-apply]").Click();

        page.WaitForAssertion(() => Assert.Equal("Code CREW-PASS: 20 % off Standard, unlocks Crew.", page.Find("[data-testid=promo-result]").TextContent.Trim()));
        Assert.Equal("false", page.Find("[data-testid=promo-result]").GetAttribute("data-refused"));
        Assert.Equal(["Standard", "Crew"], page.FindAll("[data-testid=ticket-type-name]").Select(e => e.TextContent.Trim()));
        Assert.Single(page.FindAll("[data-testid=ticket-type-unlocked]"));
        Assert.Equal("2", page.Find($"#quantity-{standard.Id:N}").GetAttribute("value"));
        page.Find($"#quantity-{crewId:N}").Change("1");
        page.WaitForAssertion(() => Assert.Equal("30.00 EUR", page.Find("[data-testid=total]").TextContent.Trim()));

        // Another code typed: the one applied no longer stands, nor do the types it unlocked.
        page.Find("#promo-code").Change("OTHER");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=ticket-type]")));
        Assert.Equal("", page.Find("[data-testid=promo-result]").TextContent.Trim());
    }

    [Fact]
    public void One_public_type_looks_as_before_types_and_its_booking_names_that_type()
    {
        var standard = NewType("Standard", 12.5m, 5, onSale: true);
        Api.Ok($"/api/events/{_eventId}/ticket-types", new[] { standard, NewType("VIP", 40m, 5, onSale: true, visibility: TicketTypeVisibility.Hidden) })
            .Refuse("/api/bookings", new Error("sold-out", ErrorKind.Conflict, ServiceWords));

        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("#quantity");
        Assert.Empty(page.FindAll("[data-testid=ticket-types]"));
        page.Find("#quantity").Change("3");
        page.WaitForAssertion(() => Assert.Equal("37.50 EUR", page.Find("[data-testid=total]").TextContent.Trim()));
        page.Find("[data-testid=book]").Click();

        page.WaitForElement("[data-testid=problem]");
        var line = Assert.Single(System.Text.Json.JsonDocument.Parse(Api.BodyOf("POST /api/bookings")!).RootElement.GetProperty("lines").EnumerateArray());
        Assert.Equal(standard.Id, line.GetProperty("ticketTypeId").GetGuid());
        Assert.Equal(3, line.GetProperty("quantity").GetInt32());
    }

    [Fact]
    public void The_rating_is_events_apis_summary_over_every_review_and_the_newest_reviews_are_listed()
    {
        var review = new ReviewDto(Guid.CreateVersion7(), _eventId, Guid.CreateVersion7(), "Ann", 5, "Loved it.", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        Api.Ok($"/api/events/{_eventId}/reviews/summary", new { averageRating = 4.5, count = 30 })
            .Ok($"/api/events/{_eventId}/reviews", new Paged<ReviewDto>([review], 1, 20, 30));

        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForAssertion(() => Assert.Contains("4.5 out of 5 · 30 reviews", page.Find("[data-testid=rating]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Loved it.", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_without_reviews_says_so()
    {
        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("[data-testid=no-reviews]");
        Assert.Empty(page.FindAll("[data-testid=rating]"));
    }

    [Fact]
    public void A_published_event_offers_its_calendar_file_as_a_plain_download_link()
    {
        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        var link = page.WaitForElement("[data-testid=add-to-calendar]");
        Assert.Equal("a", link.TagName, ignoreCase: true);
        Assert.Equal($"/events/{_eventId}/calendar.ics", link.GetAttribute("href"));
        // A download, which Blazor's enhanced navigation must not intercept: it works without the interactive circuit.
        Assert.Equal($"event-{_eventId}.ics", link.GetAttribute("download"));
        Assert.Equal("false", link.GetAttribute("data-enhance-nav"));
        Assert.Equal("Add to calendar", link.TextContent.Trim());
    }

    [Fact]
    public void A_cancelled_event_offers_no_calendar_link()
    {
        var startsAt = DateTimeOffset.UtcNow.AddDays(30);
        Api.Ok($"/api/events/{_eventId}", new EventDto(_eventId, "Stub Gig", "A gig.", "Hall", "Oslo", startsAt, startsAt.AddHours(3), "Europe/Oslo",
            "music", 10, 12.5m, "EUR", Guid.CreateVersion7(), "Cancelled", null, startsAt, startsAt, startsAt, startsAt, "Storm", 5, 2));

        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("[data-testid=event-title]");
        Assert.Empty(page.FindAll("[data-testid=add-to-calendar]"));
    }

    [Fact]
    public void An_unknown_event_is_told_apart_by_its_code()
    {
        var unknown = Guid.CreateVersion7();
        Api.Refuse($"/api/events/{unknown}", Error.NotFound("event"));

        var page = Render<EventDetails>(p => p.Add(x => x.Id, unknown));

        page.WaitForAssertion(() => Assert.Equal("This event does not exist or is not published.", page.Find("[data-testid=event-missing]").TextContent.Trim()));
    }
}

public sealed class NotificationsPageTests : PageTestContext
{
    // The page as a circuit renders it (a prerender would hand what it loaded over to the circuit: HandoverPage).
    public NotificationsPageTests() => SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

    [Theory]
    [InlineData(3, false)]
    [InlineData(0, true)]
    public void Mark_all_read_follows_notifications_apis_unread_count(long unread, bool disabled)
    {
        var read = new NotificationView(Guid.CreateVersion7(), "announcement", "Hello", "Read already.", null, null, null, null, null, [],
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, true, new EmailView("sent", 1, DateTimeOffset.UtcNow));
        Api.Ok("/api/notifications", new Paged<NotificationView>([read], 1, 50, 1))
            .Ok("/api/notifications/unread-count", new { unread });

        var page = Render<Notifications>();

        page.WaitForElement("[data-testid=notifications]");
        page.WaitForAssertion(() => Assert.Equal(disabled, page.Find("[data-testid=mark-all-read]").HasAttribute("disabled")));
    }
}

public sealed class NotificationBellTests : PageTestContext
{
    public NotificationBellTests()
    {
        // The bell's token provider; without a notifications-api address in configuration it never reaches the hub.
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton(TimeProvider.System);
        Services.AddHttpClient();
        Services.AddSingleton<AccountClient>();
        Services.AddDistributedMemoryCache();
        Services.AddUserSessions();
    }

    [Fact]
    public void The_badge_shows_notifications_apis_unread_count()
    {
        Api.Ok("/api/notifications/unread-count", new { unread = 7 });

        var bell = Render<NotificationBell>();

        bell.WaitForAssertion(() => Assert.Equal("7", bell.Find("[data-testid=bell]").GetAttribute("data-unread")));
        Assert.Equal(["GET /api/notifications/unread-count"], Api.Requests.Distinct());
    }
}
