using System.Text.Json;
using Bookings.Api.Infrastructure;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Bookings.Api.Webhooks;

/// <summary>The body of every delivery (Standard Webhooks' recommended shape): the type, when it happened, and its data.</summary>
public sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, object Data);

/// <summary>
/// Turns an integration event into one delivery per endpoint of the event's organizer that subscribed to its type, in one
/// insert that a redelivered message repeats harmlessly (one delivery per endpoint and source message). It runs in the
/// bus's consumer, after the event was committed with its outbox message, so a committed booking's event is never lost; it
/// costs nothing more than a cached read when the organizer has no endpoint. An endpoint receives the events committed from
/// about a second after it was registered (each replica keeps an organizer's endpoints for a second).
/// </summary>
public sealed class WebhookFanOut(BookingsDbContext db, WebhookSignal signal, IMemoryCache cache, TimeProvider time)
{
    private static readonly TimeSpan EndpointsCacheFor = TimeSpan.FromSeconds(1);

    /// <returns>How many deliveries were created.</returns>
    public async Task<int> FanOutAsync(Guid sourceId, Guid organizerId, string eventType, DateTimeOffset occurredAt, object data, CancellationToken cancellationToken)
    {
        var endpoints = (await SubscribedEndpointsAsync(organizerId, cancellationToken)).Where(e => e.EventTypes.Contains(eventType)).Select(e => e.Id).ToArray();
        if (endpoints.Length == 0)
        {
            return 0;
        }

        var payload = JsonSerializer.Serialize(new WebhookPayload(eventType, occurredAt, data), JsonSerializerOptions.Web);
        var now = time.GetUtcNow();
        var ids = endpoints.Select(_ => Guid.CreateVersion7()).ToArray();
        var created = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO webhook_deliveries ("Id", "EndpointId", "SourceId", "EventType", "Payload", "CreatedAt", "Status", "Attempts", "NextAttemptAt")
            SELECT t.id, t.endpoint_id, {sourceId}, {eventType}, {payload}, {now}, 'Pending', 0, {now}
            FROM unnest({ids}, {endpoints}) AS t(id, endpoint_id)
            ON CONFLICT ("EndpointId", "SourceId") DO NOTHING
            """, cancellationToken);
        if (created > 0)
        {
            signal.Notify();
        }

        return created;
    }

    /// <summary>Forgets an organizer's cached endpoints (after a change on this replica; others notice within a second).</summary>
    public static void Forget(IMemoryCache cache, Guid organizerId) => cache.Remove(CacheKey(organizerId));

    private async Task<IReadOnlyList<SubscribedEndpoint>> SubscribedEndpointsAsync(Guid organizerId, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(CacheKey(organizerId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = EndpointsCacheFor;
            return (IReadOnlyList<SubscribedEndpoint>)await db.WebhookEndpoints.AsNoTracking()
                .Where(e => e.OrganizerId == organizerId && e.DisabledAt == null)
                .Select(e => new SubscribedEndpoint(e.Id, e.EventTypes))
                .ToListAsync(cancellationToken);
        }) ?? [];

    private static string CacheKey(Guid organizerId) => "webhook-endpoints:" + organizerId.ToString("N");

    private sealed record SubscribedEndpoint(Guid Id, List<string> EventTypes);
}

/// <summary>
/// The integration events organizers can subscribe to, turned into deliveries. bookings-api consumes its own booking and
/// payment events from the bus like any other consumer, and events-api's event changes; <c>event.cancelled</c> comes through
/// <see cref="IntegrationEvents.EventCancelledHandler"/>, which also refunds the bookings. Ticket codes (the door credential)
/// are left out of every payload.
/// </summary>
public sealed class WebhookEventsHandler(WebhookFanOut fanOut, BookingsDbContext db) :
    IIntegrationEventHandler<BookingConfirmed>, IIntegrationEventHandler<BookingCancelled>, IIntegrationEventHandler<BookingSeatsMoved>,
    IIntegrationEventHandler<PaymentRefunded>, IIntegrationEventHandler<EventUpdated>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingConfirmed> message, CancellationToken cancellationToken)
    {
        var e = message.Data;
        if (await OrganizerOfAsync(e.OrganizerId, e.BookingId, cancellationToken) is { } organizer)
        {
            await fanOut.FanOutAsync(message.Id, organizer, WebhookEventTypes.BookingConfirmed, e.ConfirmedAt, new
            {
                e.BookingId, e.EventId, e.EventTitle, e.EventStartsAt, e.EventTimeZone, Attendee = new { Id = e.UserId, Email = e.UserEmail, Name = e.UserName },
                e.Quantity, e.Amount, Tickets = WithoutCodes(e.Tickets),
                e.ConfirmedAt,
            }, cancellationToken);
        }
    }

    public async Task HandleAsync(IntegrationEventEnvelope<BookingCancelled> message, CancellationToken cancellationToken)
    {
        var e = message.Data;
        if (await OrganizerOfAsync(e.OrganizerId, e.BookingId, cancellationToken) is { } organizer)
        {
            await fanOut.FanOutAsync(message.Id, organizer, WebhookEventTypes.BookingCancelled, e.CancelledAt, new
            {
                e.BookingId, e.EventId, e.EventTitle, Attendee = new { Id = e.UserId, Email = e.UserEmail }, e.Quantity, e.CancelledBy, e.Reason,
                e.Refund, e.CancelledAt,
            }, cancellationToken);
        }
    }

    public async Task HandleAsync(IntegrationEventEnvelope<BookingSeatsMoved> message, CancellationToken cancellationToken)
    {
        var e = message.Data;
        if (await OrganizerOfAsync(e.OrganizerId, e.BookingId, cancellationToken) is { } organizer)
        {
            await fanOut.FanOutAsync(message.Id, organizer, WebhookEventTypes.BookingSeatsMoved, e.MovedAt, new
            {
                e.BookingId, e.EventId, e.EventTitle, Attendee = new { Id = e.UserId, Email = e.UserEmail }, e.Moves,
                Tickets = WithoutCodes(e.Tickets),
                e.MovedBy, e.Reason, e.MovedAt,
            }, cancellationToken);
        }
    }

    public async Task HandleAsync(IntegrationEventEnvelope<PaymentRefunded> message, CancellationToken cancellationToken)
    {
        var e = message.Data;
        if (await OrganizerOfAsync(e.OrganizerId, e.BookingId, cancellationToken) is { } organizer)
        {
            await fanOut.FanOutAsync(message.Id, organizer, WebhookEventTypes.PaymentRefunded, e.RefundedAt, new
            {
                e.PaymentId, e.BookingId, e.EventId, Attendee = new { Id = e.UserId, Email = e.UserEmail }, e.Amount, e.Reason, e.RefundedAt,
            }, cancellationToken);
        }
    }

    public Task HandleAsync(IntegrationEventEnvelope<EventUpdated> message, CancellationToken cancellationToken) =>
        fanOut.FanOutAsync(message.Id, message.Data.OrganizerId, WebhookEventTypes.EventUpdated, message.Data.UpdatedAt, message.Data, cancellationToken);

    /// <summary>Tickets as a payload shows them: no code (the door credential).</summary>
    private static IEnumerable<object> WithoutCodes(IEnumerable<TicketInfo> tickets) =>
        tickets.Select(t => new { Id = t.TicketId, Number = t.TicketNumber, t.EntryNumber, t.TicketTypeId, t.TicketTypeName, t.Seat });

    /// <summary>The organizer the event carries (messages from before it did: the booking's).</summary>
    private async Task<Guid?> OrganizerOfAsync(Guid? carried, Guid bookingId, CancellationToken cancellationToken) =>
        carried ?? await db.Bookings.Where(b => b.Id == bookingId).Select(b => (Guid?)b.OrganizerId).SingleOrDefaultAsync(cancellationToken);
}
