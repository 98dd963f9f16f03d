using System.Net;
using System.Text;
using Notifications.Api.Clients;

namespace Notifications.Api.Tests;

/// <summary>
/// The HTTP clients read the documented contracts (docs/contracts.md). bookings-api's attendees endpoint is built by
/// another team, so its JSON shape is pinned here; users-api's client runs for real in <see cref="TopologyTests"/>.
/// </summary>
public sealed class ClientContractTests
{
    private sealed class Answer(HttpStatusCode status, string json) : HttpMessageHandler
    {
        public Uri? Requested { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requested = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task Attendees_are_read_from_the_documented_path_and_shape()
    {
        var (eventId, user, booking) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        using var handler = new Answer(HttpStatusCode.OK, $$"""[{"userId":"{{user}}","bookingId":"{{booking}}","email":"a@example.test","name":null}]""");
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://bookings-api") };

        var attendees = await new BookingsApiClient(http).AttendeesOfAsync(eventId, TestContext.Current.CancellationToken);

        Assert.Equal($"/internal/events/{eventId}/attendees", handler.Requested!.AbsolutePath);
        Assert.Equal(new EventAttendee(user, booking, "a@example.test", null), Assert.Single(attendees));
    }

    [Fact]
    public async Task An_event_s_calendar_entry_is_read_from_events_api_s_internal_event_and_an_unknown_event_has_none()
    {
        var (eventId, organizer) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        using var handler = new Answer(HttpStatusCode.OK, $$"""
            {"id":"{{eventId}}","title":"Jazz night","organizerId":"{{organizer}}","startsAt":"2030-06-01T20:00:00+01:00",
             "endsAt":"2030-06-01T23:00:00+01:00","status":"Cancelled","price":25.00,"currency":"EUR","capacity":300,
             "venue":"Harbour Hall","city":"Lisbon","description":"Standards.","calendarSequence":3}
            """);
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://events-api") };

        var entry = await new EventsApiClient(http).CalendarEntryAsync(eventId, TestContext.Current.CancellationToken);

        Assert.Equal($"/internal/events/{eventId}", handler.Requested!.AbsolutePath);
        Assert.Equal(new EventBooking.Messaging.CalendarEntry(eventId, 3, new DateTimeOffset(2030, 6, 1, 19, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2030, 6, 1, 22, 0, 0, TimeSpan.Zero), "Jazz night", "Harbour Hall", "Lisbon", "Standards.", null, Cancelled: true), entry);

        using var notFound = new Answer(HttpStatusCode.NotFound, "{}");
        using var notFoundHttp = new HttpClient(notFound) { BaseAddress = new Uri("http://events-api") };
        Assert.Null(await new EventsApiClient(notFoundHttp).CalendarEntryAsync(eventId, TestContext.Current.CancellationToken));

        using var broken = new Answer(HttpStatusCode.ServiceUnavailable, "{}");
        using var brokenHttp = new HttpClient(broken) { BaseAddress = new Uri("http://events-api") };
        await Assert.ThrowsAsync<HttpRequestException>(() => new EventsApiClient(brokenHttp).CalendarEntryAsync(eventId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unknown_event_has_no_attendees_and_a_server_error_is_retried_by_the_caller()
    {
        using var notFound = new Answer(HttpStatusCode.NotFound, "{}");
        using var http = new HttpClient(notFound) { BaseAddress = new Uri("http://bookings-api") };
        Assert.Empty(await new BookingsApiClient(http).AttendeesOfAsync(Guid.CreateVersion7(), TestContext.Current.CancellationToken));

        using var broken = new Answer(HttpStatusCode.ServiceUnavailable, "{}");
        using var brokenHttp = new HttpClient(broken) { BaseAddress = new Uri("http://bookings-api") };
        await Assert.ThrowsAsync<HttpRequestException>(() => new BookingsApiClient(brokenHttp).AttendeesOfAsync(Guid.CreateVersion7(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_batch_of_recipients_is_one_request_and_a_profile_with_email_switched_off_is_read_as_opted_out()
    {
        var (user, unknown) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        using var handler = new Answer(HttpStatusCode.OK,
            $$"""[{"id":"{{user}}","email":"u@example.test","displayName":"U","emailNotifications":false,"preferredLanguage":null}]""");
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://users-api") };

        var contacts = await new UsersApiClient(http).FindAsync([user, unknown, user], TestContext.Current.CancellationToken);

        Assert.Equal("/internal/users/contacts", handler.Requested!.AbsolutePath);
        Assert.Equal(new UserContact(user, "u@example.test", "U", EmailNotifications: false), Assert.Single(contacts).Value);
    }
}
