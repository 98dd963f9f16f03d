using System.Text;
using EventBooking.Messaging.Contracts;
using Xunit;

namespace EventBooking.Messaging.Tests;

/// <summary>Rules without servers: backoff steps, the wire format, header parsing.</summary>
public sealed class RulesTests
{
    [Fact]
    public void RetryDelaysDoubleUpToTheCapAndGetOneQueueEach()
    {
        var options = new EventBusOptions
        {
            ServiceName = "notifications-api",
            MaxDeliveryAttempts = 6,
            RetryDelay = TimeSpan.FromSeconds(2),
            MaxRetryDelay = TimeSpan.FromSeconds(10),
        };

        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryDelayAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(4), options.RetryDelayAfter(2));
        Assert.Equal(TimeSpan.FromSeconds(8), options.RetryDelayAfter(3));
        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryDelayAfter(4));
        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryDelayAfter(50));
        // Attempts 1..5 can be retried (the 6th failure dead-letters); 10 s appears twice but is one queue.
        Assert.Equal([2_000, 4_000, 8_000, 10_000], options.RetryDelays.Select(d => (int)d.TotalMilliseconds));
        Assert.Equal("notifications-api.retry.4000ms", options.RetryQueueName(TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public void EnvelopeRoundTripsThroughTheWireFormat()
    {
        var id = Guid.CreateVersion7();
        var time = new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
        var @event = BusHost.Expired(Guid.CreateVersion7());
        var body = MessageSerializer.SerializeEnvelope(id, BookingExpired.EventName, "bookings-api", time, 1,
            System.Text.Json.JsonSerializer.Serialize(@event, MessageSerializer.Options));

        var json = Encoding.UTF8.GetString(body);
        Assert.Contains("\"type\":\"booking.expired\"", json, StringComparison.Ordinal);
        Assert.Contains("\"schemaVersion\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"bookingId\":", json, StringComparison.Ordinal);

        var envelope = MessageSerializer.ToEnvelope<BookingExpired>(MessageSerializer.DeserializeRaw(body));
        Assert.Equal(id, envelope.Id);
        Assert.Equal("bookings-api", envelope.Source);
        Assert.Equal(time, envelope.Time);
        Assert.Equal(@event, envelope.Data);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"type\":\"booking.expired\"}")]
    public void BodiesWithoutIdentityArePoison(string body) =>
        Assert.Throws<PoisonMessageException>(() => MessageSerializer.DeserializeRaw(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void HeadersAreReadWhateverTheAmqpEncoding()
    {
        var headers = new Dictionary<string, object?>
        {
            ["a"] = 3,
            ["b"] = 4L,
            ["c"] = Encoding.UTF8.GetBytes("5"),
            ["traceparent"] = Encoding.UTF8.GetBytes("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        };

        Assert.Equal(3, EventBusConsumer.ReadLong(headers, "a"));
        Assert.Equal(4, EventBusConsumer.ReadLong(headers, "b"));
        Assert.Equal(5, EventBusConsumer.ReadLong(headers, "c"));
        Assert.Null(EventBusConsumer.ReadLong(headers, "missing"));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", EventBusConsumer.ReadString(headers, "traceparent"));
        var parent = MessagingTelemetry.Extract(EventBusConsumer.ReadString(headers, "traceparent"), null, "tenant=web");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", parent.ActivityContext.TraceId.ToHexString());
        Assert.Equal("web", parent.Baggage.GetBaggage("tenant"));
    }
}
