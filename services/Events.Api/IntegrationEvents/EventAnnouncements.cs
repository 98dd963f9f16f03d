using EventBooking.Messaging.Contracts;
using Events.Api.Infrastructure;
using Events.Api.Model;

namespace Events.Api.IntegrationEvents;

/// <summary>The model's <see cref="Announcement"/>s as the integration events bookings-api and notifications-api consume.</summary>
public static class EventAnnouncements
{
    /// <summary>What to write to the outbox with a change of <paramref name="changed"/> (nothing when attendees need not hear of it).</summary>
    public static IReadOnlyList<OutgoingEvent> IntegrationEvents(CatalogEvent changed, Announcement? announcement, DateTimeOffset now) => announcement switch
    {
        Announcement.Updated updated =>
        [
            OutgoingEvent.Of(new EventUpdated(changed.Id, changed.OrganizerId, changed.Title, changed.Venue, changed.City,
                changed.StartsAt, changed.EndsAt, updated.ChangedFields, now, changed.TimeZone)),
        ],
        Announcement.Cancelled cancelled =>
            [OutgoingEvent.Of(new EventCancelled(changed.Id, changed.OrganizerId, changed.Title, changed.StartsAt, cancelled.Reason, now, changed.TimeZone))],
        _ => [],
    };
}
