using System.Text;
using System.Text.Json;
using Bookings.Api.Model;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Bookings.Api.Tests;

/// <summary>The outbox relay and the event.cancelled consumer over a real RabbitMQ node.</summary>
public sealed class MessagingTests(BookingsApiFactory factory, RabbitMqFixture rabbitMq) : ApiTestBase(factory), IClassFixture<BookingsApiFactory>
{
    [Fact]
    public async Task Booking_confirmed_leaves_through_the_outbox_to_the_broker()
    {
        var connectionFactory = new ConnectionFactory { Uri = new Uri(rabbitMq.Server.ConnectionString) };
        await using var connection = await connectionFactory.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        await channel.ExchangeDeclareAsync("eventbooking", ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: Ct);
        var queue = (await channel.QueueDeclareAsync("bookings-test-" + Guid.NewGuid().ToString("N"), durable: false, exclusive: true, autoDelete: true, cancellationToken: Ct)).QueueName;
        await channel.QueueBindAsync(queue, "eventbooking", "booking.confirmed", cancellationToken: Ct);

        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 5);
        var booking = await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 2);

        var found = await Poll.ForAsync(async () =>
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true, Ct);
            if (message is null)
            {
                return null;
            }

            var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(message.Body.Span)).RootElement;
            return envelope.GetProperty("data").GetProperty("bookingId").GetGuid() == booking.Id ? new Box(envelope) : null;
        }, TimeSpan.FromSeconds(30), "booking.confirmed of the booking reaches the broker", Ct);
        Assert.Equal("booking.confirmed", found.Element.GetProperty("type").GetString());
        Assert.Equal(2, found.Element.GetProperty("data").GetProperty("tickets").GetArrayLength());
    }

    [Fact]
    public async Task Event_cancelled_from_the_broker_refunds_and_cancels_every_booking()
    {
        var ev = Factory.Inventory.AddEvent(Guid.CreateVersion7(), capacity: 10);
        await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 2);
        await ConfirmedAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1);
        await CreateOkAsync(Factory.ClientFor(Guid.CreateVersion7()), ev.Id, 1);
        ev.Cancelled = true;

        var publisher = Factory.Services.GetRequiredService<IIntegrationEventPublisher>();
        await publisher.PublishAsync(new EventCancelled(ev.Id, ev.OrganizerId, "Event", ev.StartsAt, "venue flooded", DateTimeOffset.UtcNow), Ct);

        await Poll.UntilAsync(
            async () => await Factory.DbAsync(db => db.Bookings.Where(b => b.EventId == ev.Id).AllAsync(b => b.Status == BookingStatus.Cancelled, Ct)),
            TimeSpan.FromSeconds(30), "every booking of the cancelled event is cancelled", Ct);
        var payments = await Factory.DbAsync(db => db.Payments.Where(p => p.EventId == ev.Id).ToListAsync(Ct));
        Assert.Equal(2, payments.Count);
        Assert.All(payments, p => Assert.Equal(PaymentStatus.Refunded, p.Status));
        Assert.Equal((10, 0, 0), Factory.Inventory.Counts(ev.Id));
        await Poll.UntilAsync(() => Factory.DbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.Consumer == "EventCancelledHandler", Ct)),
            TimeSpan.FromSeconds(10), "the inbox records the message", Ct);
    }

    private sealed record Box(JsonElement Element);
}
