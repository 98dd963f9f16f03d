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
        Services.AddSingleton(new EventsClient(Api.Client()));
        Services.AddSingleton(new BookingsClient(Api.Client()));
        Services.AddSingleton(new NotificationsClient(Api.Client()));
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
    }

    private const string ServiceWords = "The service's own words.";

    [Theory]
    [InlineData("sold-out", ErrorKind.Conflict, "Not enough seats are left for that many tickets.")]
    [InlineData("not-on-sale", ErrorKind.Conflict, "This event is not on sale any more.")]
    [InlineData("too-many-requests", ErrorKind.TooMany, ServiceWords)]
    public void A_refused_booking_says_why_by_the_problems_code(string code, ErrorKind kind, string shown)
    {
        Api.Refuse("/api/bookings", new Error(code, kind, ServiceWords));
        var page = Render<EventDetails>(p => p.Add(x => x.Id, _eventId));

        page.WaitForElement("[data-testid=book]").Click();

        page.WaitForAssertion(() => Assert.Equal(shown, page.Find("[data-testid=problem]").TextContent.Trim()));
        Assert.Contains("POST /api/bookings", Api.Requests);
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
