using System.Text;
using EventBooking.Messaging;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Events.Api.Apis;

public sealed record CalendarServices(ICatalogStore Catalog, IOptions<CalendarOptions> Options, TimeProvider Time);

/// <summary>"Add to calendar": a published event as an iCalendar file (RFC 5545), for anyone.</summary>
public static class CalendarApi
{
    /// <summary>The media type of the download, with its iCalendar method and charset.</summary>
    public const string ContentType = "text/calendar; method=PUBLISH; charset=utf-8";

    public static IEndpointRouteBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events/{id}/calendar.ics", GetEventCalendar).WithTags("Events").WithName("GetEventCalendar")
            .WithSummary("The event as an iCalendar file (RFC 5545) to add to a calendar.")
            .WithDescription("`METHOD:PUBLISH`, one `VEVENT` with the UID `event-{id}@eventbooking` (the same in the confirmation email's " +
                "invitation), times in UTC, `LOCATION` venue and city, `URL` the event page. `SEQUENCE` goes up whenever the time or place " +
                "changes or the event is cancelled; a cancelled event is `STATUS:CANCELLED`. Drafts are `404` to everyone, like an unknown id.")
            .Produces<string>(StatusCodes.Status200OK, CalendarWriter.MediaType)
            .Refuses(StatusCodes.Status404NotFound, "event-not-found");
        return app;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetEventCalendar(
        Guid id, [AsParameters] CalendarServices services, CancellationToken cancellationToken)
    {
        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null || item.Event.Status == EventStatus.Draft)
        {
            return Problems.For(EventErrors.NotFound);
        }

        var ics = CalendarWriter.Write(EntryOf(item.Event, services.Options.Value.EventPage(id)), CalendarMethod.Publish, services.Time.GetUtcNow());
        return TypedResults.File(Encoding.UTF8.GetBytes(ics), ContentType, CalendarWriter.FileName(id));
    }

    /// <summary>The event as calendars show it, its page at <paramref name="page"/>.</summary>
    public static CalendarEntry EntryOf(CatalogEvent e, Uri? page) =>
        new(e.Id, e.CalendarSequence, e.StartsAt, e.EndsAt, e.Title, e.Venue, e.City, e.Description, page, e.Status == EventStatus.Cancelled);
}
