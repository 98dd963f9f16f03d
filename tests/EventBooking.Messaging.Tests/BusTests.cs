using System.Text.Json;
using System.Diagnostics;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using Xunit;

namespace EventBooking.Messaging.Tests;

/// <summary>Bus behaviour against one real RabbitMQ node (each test on its own exchange and queues) and real PostgreSQL.</summary>
public sealed class BusTests(PostgresFixture postgres, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OutboxEventIsRelayedOnceToTheConsumer()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var exchange = BusHost.NewExchange();
        var probe = new Probe();
        var consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "consumer", exchange, probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
        var producer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "producer", exchange, new Probe(),
            bus => bus.WithFastOutbox<OrdersDbContext>());
        try
        {
            await BusHost.WaitConnectedAsync(consumer);
            var ids = new List<Guid>();
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await BusHost.WriteOrderWithEventAsync(database, i, Ct));
            }

            await Poll.UntilAsync(async () => (await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct)).Count == ids.Count, Deadline, "every event took effect", Ct);
            var effects = await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct);
            Assert.All(ids, id => Assert.Equal(1, effects[id]));
            await Poll.UntilAsync(async () => await BusHost.PendingOutboxAsync(database, Ct) == 0, Deadline, "the outbox is marked sent", Ct);
            Assert.All(ids, id => Assert.Equal("producer", probe.Sources[id]));
        }
        finally
        {
            await BusHost.StopQuietlyAsync(producer, consumer);
        }
    }

    [Fact]
    public async Task HandlerFailingTwiceThenSucceedingTakesEffectOnce()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var probe = new Probe { FailuresBeforeSuccess = 2 };
        var host = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "flaky", BusHost.NewExchange(), probe,
            bus => bus.AddSubscription<BookingExpired, FlakyHandler>(), o => o.MaxDeliveryAttempts = 5);
        try
        {
            await BusHost.WaitConnectedAsync(host);
            var publisher = host.Services.GetRequiredService<IIntegrationEventPublisher>();
            var id = await publisher.PublishAsync(BusHost.Expired(Guid.CreateVersion7()), Ct);

            await Poll.UntilAsync(async () => (await BusHost.EffectCountsAsync(database, nameof(FlakyHandler), Ct)).ContainsKey(id), Deadline, "the third attempt took effect", Ct);
            Assert.Equal(3, probe.Attempts[id]);
            Assert.Equal(1, (await BusHost.EffectCountsAsync(database, nameof(FlakyHandler), Ct))[id]);
            Assert.Equal(0, await host.Services.GetRequiredService<IDeadLetterQueue>().CountAsync(Ct));
        }
        finally
        {
            await BusHost.StopQuietlyAsync(host);
        }
    }

    [Fact]
    public async Task AlwaysFailingHandlerDeadLettersAfterTheConfiguredAttemptsAndReplayMovesItBack()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var probe = new Probe { AlwaysFail = true };
        var host = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "poisoned", BusHost.NewExchange(), probe,
            bus => bus.AddSubscription<BookingCancelled, FailingHandler>(), o => o.MaxDeliveryAttempts = 3);
        try
        {
            await BusHost.WaitConnectedAsync(host);
            var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
            var id = await host.Services.GetRequiredService<IIntegrationEventPublisher>().PublishAsync(BusHost.Cancelled(Guid.CreateVersion7()), Ct);

            await Poll.UntilAsync(async () => await deadLetters.CountAsync(Ct) == 1, Deadline, "the message is dead-lettered", Ct);
            Assert.Equal(3, probe.Attempts[id]);
            var listed = Assert.Single(await deadLetters.ListAsync(10, Ct));
            Assert.Equal(id, listed.MessageId);
            Assert.Equal(BookingCancelled.EventName, listed.Type);
            Assert.Equal("max-attempts", listed.Reason);
            Assert.Equal(3, listed.Attempts);
            Assert.Contains("Simulated poison handler", listed.Error, StringComparison.Ordinal);
            // Listing leaves the queue as it was, and the message does not come back by itself.
            Assert.Equal(1, await deadLetters.CountAsync(Ct));
            Assert.Equal(3, probe.Attempts[id]);

            // Operations: the health check turns Degraded and says why; the admin API lists it and validates input.
            var health = host.Services.GetRequiredService<HealthCheckService>();
            await Poll.UntilAsync(async () => (await health.CheckHealthAsync(r => r.Name == "messaging", Ct)).Status == HealthStatus.Degraded, Deadline, "health reports the dead letter", Ct);
            var report = (await health.CheckHealthAsync(r => r.Name == "messaging", Ct)).Entries["messaging"];
            Assert.Equal(1L, report.Data["deadLetters"]);
            Assert.Contains("dead-lettered", report.Description, StringComparison.Ordinal);
            var listedByApi = Assert.IsType<Ok<DeadLetterList>>((await DeadLetterApi.ListDeadLetters(deadLetters, Ct, limit: 50)).Result);
            Assert.Equal(id, Assert.Single(listedByApi.Value!.Messages).MessageId);
            var badLimit = Assert.IsType<ValidationProblem>((await DeadLetterApi.ListDeadLetters(deadLetters, Ct, limit: 0)).Result);
            Assert.Equal("validation", badLimit.ProblemDetails.Extensions["code"]);
            var unknown = Assert.IsType<ProblemHttpResult>((await DeadLetterApi.ReplayDeadLetter(Guid.CreateVersion7(), deadLetters, Ct)).Result);
            Assert.Equal((404, "dead-letter-not-found"), (unknown.StatusCode, unknown.ProblemDetails.Extensions["code"]));

            Assert.False(await deadLetters.ReplayAsync(Guid.CreateVersion7(), Ct));
            probe.AlwaysFail = false;
            Assert.True(await deadLetters.ReplayAsync(id, Ct));

            await Poll.UntilAsync(async () => (await BusHost.EffectCountsAsync(database, nameof(FailingHandler), Ct)).ContainsKey(id), Deadline, "the replayed message took effect", Ct);
            Assert.Equal(4, probe.Attempts[id]);
            Assert.Equal(0, await deadLetters.CountAsync(Ct));
        }
        finally
        {
            await BusHost.StopQuietlyAsync(host);
        }
    }

    [Fact]
    public async Task DeadLetterListingHidesSecretFieldsAndReplayStillDeliversThem()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var probe = new Probe { AlwaysFail = true };
        var host = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "secrets", BusHost.NewExchange(), probe,
            bus => bus.AddSubscription<PasswordResetRequested, TokenHandler>(), o => o.MaxDeliveryAttempts = 2);
        try
        {
            await BusHost.WaitConnectedAsync(host);
            var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
            const string token = "reset-token-that-opens-the-account";
            var reset = new PasswordResetRequested(Guid.CreateVersion7(), "ada@example.test", "Ada", token, DateTimeOffset.UtcNow.AddHours(1));
            var id = await host.Services.GetRequiredService<IIntegrationEventPublisher>().PublishAsync(reset, Ct);
            await Poll.UntilAsync(async () => await deadLetters.CountAsync(Ct) == 1, Deadline, "the message is dead-lettered", Ct);

            // The admin's listing shows what the message is about, never the token.
            var listed = Assert.Single(await deadLetters.ListAsync(10, Ct));
            Assert.Equal((id, PasswordResetRequested.EventName), (listed.MessageId, listed.Type));
            var data = listed.Data!.Value;
            Assert.Equal(MessageRedaction.Redacted, data.GetProperty("token").GetString());
            Assert.Equal("ada@example.test", data.GetProperty("email").GetString());
            Assert.DoesNotContain(token, data.GetRawText(), StringComparison.Ordinal);
            var listedByApi = Assert.IsType<Ok<DeadLetterList>>((await DeadLetterApi.ListDeadLetters(deadLetters, Ct, limit: 50)).Result);
            Assert.DoesNotContain(token, JsonSerializer.Serialize(listedByApi.Value), StringComparison.Ordinal);

            // A replay delivers the message as it was sent.
            probe.AlwaysFail = false;
            Assert.True(await deadLetters.ReplayAsync(id, Ct));
            await Poll.UntilAsync(() => Task.FromResult(probe.Attempts[id] == 3), Deadline, "the replay was delivered", Ct);
            Assert.Equal([token, token, token], probe.Tokens);
            Assert.Equal(0, await deadLetters.CountAsync(Ct));
        }
        finally
        {
            await BusHost.StopQuietlyAsync(host);
        }
    }

    [Fact]
    public async Task SameMessageIdDeliveredTwiceTakesEffectOnce()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var probe = new Probe();
        var host = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "dedupe", BusHost.NewExchange(), probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
        try
        {
            await BusHost.WaitConnectedAsync(host);
            var publisher = host.Services.GetRequiredService<IIntegrationEventPublisher>();
            var id = Guid.CreateVersion7();
            var @event = BusHost.Confirmed(Guid.CreateVersion7());
            await publisher.PublishAsync(@event, Ct, id);
            await publisher.PublishAsync(@event, Ct, id);

            // Both copies handled to the end (a copy counted as delivered may still be committing: deliveries run concurrently).
            await Poll.UntilAsync(() => probe.Handled.GetValueOrDefault(id) == 2, Deadline, "both copies were delivered and handled", Ct);
            Assert.Equal(1, (await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct))[id]);
        }
        finally
        {
            await BusHost.StopQuietlyAsync(host);
        }
    }

    [Fact]
    public async Task TwoRelaysOverOneOutboxPublishEachRowOnce()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var exchange = BusHost.NewExchange();
        var probe = new Probe();
        const int count = 300;
        // Rows written before any relay runs, without a source: each relay stamps its own name, so we see who sent what.
        var ids = new List<Guid>();
        await using (var db = OrdersDbContext.Open(database))
        {
            for (var i = 0; i < count; i++)
            {
                ids.Add(db.AddIntegrationEvent(BusHost.Confirmed(Guid.CreateVersion7())).Id);
            }

            await db.SaveChangesAsync(Ct);
        }

        var consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "relays-consumer", exchange, probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>(), o => o.PrefetchCount = 100);
        await BusHost.WaitConnectedAsync(consumer);
        var relayA = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "relay-a", exchange, new Probe(), bus => bus.WithFastOutbox<OrdersDbContext>(batchSize: 10));
        var relayB = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "relay-b", exchange, new Probe(), bus => bus.WithFastOutbox<OrdersDbContext>(batchSize: 10));
        try
        {
            await Poll.UntilAsync(() => probe.Attempts.Count == count, Deadline, "every row was delivered", Ct);
            await Poll.UntilAsync(async () => await BusHost.PendingOutboxAsync(database, Ct) == 0, Deadline, "every row is marked sent", Ct);
            // Published (and so delivered) exactly once each, not merely deduplicated.
            Assert.All(ids, id => Assert.Equal(1, probe.Attempts[id]));
            Assert.Equal(count, probe.TotalAttempts);
            var effects = await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct);
            Assert.Equal(count, effects.Count);
            Assert.All(effects.Values, n => Assert.Equal(1, n));
            Assert.Equal(["relay-a", "relay-b"], probe.Sources.Values.Distinct().Order().ToArray());
        }
        finally
        {
            await BusHost.StopQuietlyAsync(relayA, relayB, consumer);
        }
    }

    [Fact]
    public async Task ConsumerSpanHasTheProducerSpanAsParentAndBaggageTravels()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var exchange = BusHost.NewExchange();
        var probe = new Probe();
        var exported = new List<Activity>();
        var consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "traced-consumer", exchange, probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>(), exportedActivities: exported);
        // One tracer provider in the process sees both hosts' spans (the ActivitySource is process-wide).
        var producer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "traced-producer", exchange, new Probe(),
            bus => bus.WithFastOutbox<OrdersDbContext>());
        try
        {
            await BusHost.WaitConnectedAsync(consumer);
            using var source = new ActivitySource(BusHost.TestActivitySource);
            Guid id;
            ActivityContext request;
            using (var activity = source.StartActivity("POST /api/bookings", ActivityKind.Server))
            {
                Assert.NotNull(activity);
                request = activity.Context;
                Baggage.SetBaggage("booking.channel", "web");
                id = await BusHost.WriteOrderWithEventAsync(database, 1, Ct);
                Baggage.ClearBaggage();
            }

            await Poll.UntilAsync(() => probe.Attempts.ContainsKey(id), Deadline, "the event was consumed", Ct);
            Activity Span(ActivityKind kind)
            {
                // The exporter appends from its own thread: read a snapshot (a slot being filled may still be null).
                var snapshot = exported.ToArray();
                return snapshot.Where(a => a is not null && a.Kind == kind && a.Source.Name == MessagingTelemetry.ActivitySourceName
                    && (string?)a.GetTagItem("messaging.message.id") == id.ToString()).DistinctBy(a => a.SpanId).SingleOrDefault()!;
            }

            await Poll.UntilAsync(() => Span(ActivityKind.Consumer) is not null, Deadline, "the consumer span was exported", Ct);
            var publish = Span(ActivityKind.Producer);
            var process = Span(ActivityKind.Consumer);
            Assert.Equal($"publish {BookingConfirmed.EventName}", publish.DisplayName);
            Assert.Equal(request.TraceId, publish.TraceId);
            Assert.Equal(request.SpanId, publish.ParentSpanId);
            Assert.Equal($"process {BookingConfirmed.EventName}", process.DisplayName);
            Assert.Equal(publish.TraceId, process.TraceId);
            Assert.Equal(publish.SpanId, process.ParentSpanId);
            Assert.Equal("rabbitmq", process.GetTagItem("messaging.system"));
            Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
            Assert.Equal("send", publish.GetTagItem("messaging.operation.type"));
            Assert.Contains(probe.Baggage, b => b is not null && b.Contains("booking.channel=web", StringComparison.Ordinal));
        }
        finally
        {
            await BusHost.StopQuietlyAsync(producer, consumer);
        }
    }

    [Fact]
    public async Task MessageWithAnUnknownSchemaVersionIsDeadLetteredAtOnce()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var probe = new Probe();
        var host = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "schema", BusHost.NewExchange(), probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>().WithFastOutbox<OrdersDbContext>());
        try
        {
            await BusHost.WaitConnectedAsync(host);
            Guid id;
            await using (var db = OrdersDbContext.Open(database))
            {
                var row = db.AddIntegrationEvent(BusHost.Confirmed(Guid.CreateVersion7()));
                row.SchemaVersion = 99;
                id = row.Id;
                await db.SaveChangesAsync(Ct);
            }

            var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
            await Poll.UntilAsync(async () => await deadLetters.CountAsync(Ct) == 1, Deadline, "the message is dead-lettered", Ct);
            var listed = Assert.Single(await deadLetters.ListAsync(10, Ct));
            Assert.Equal(id, listed.MessageId);
            Assert.Equal("poison", listed.Reason);
            Assert.False(probe.Attempts.ContainsKey(id));
        }
        finally
        {
            await BusHost.StopQuietlyAsync(host);
        }
    }

    [Fact]
    public async Task EventWithNoQueueBoundYetIsRetriedNotDroppedAndArrivesOnceTheConsumerExists()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var exchange = BusHost.NewExchange();
        var producer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "early-producer", exchange, new Probe(),
            bus => bus.WithFastOutbox<OrdersDbContext>());
        IHostHolder consumerHolder = new();
        try
        {
            var id = await BusHost.WriteOrderWithEventAsync(database, 1, Ct);
            await Poll.UntilAsync(async () =>
            {
                await using var db = OrdersDbContext.Open(database);
                var row = await db.Set<OutboxMessage>().SingleAsync(m => m.Id == id, Ct);
                return row.Attempts >= 2 && row.SentAt is null && row.LastError!.StartsWith("unroutable", StringComparison.Ordinal);
            }, Deadline, "the broker returned the unroutable message and the relay kept it", Ct);

            var probe = new Probe();
            consumerHolder.Host = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "late-consumer", exchange, probe,
                bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
            await Poll.UntilAsync(async () => (await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct)).GetValueOrDefault(id) == 1, Deadline,
                "the event arrived once the consumer queue existed", Ct);
        }
        finally
        {
            await BusHost.StopQuietlyAsync(producer);
            if (consumerHolder.Host is not null)
            {
                await BusHost.StopQuietlyAsync(consumerHolder.Host);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SavingThroughTheServicesDbContextWakesTheRelayWithoutWaitingForThePoll(bool addDbContextAfterBus)
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var exchange = BusHost.NewExchange();
        var probe = new Probe();
        var consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, $"signal-consumer-{addDbContextAfterBus}", exchange, probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
        // A poll interval far beyond the deadline: only the SaveChanges signal can get the event out in time.
        var producer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, $"signal-producer-{addDbContextAfterBus}", exchange, new Probe(),
            bus => bus.AddOutbox<OrdersDbContext>(o => o.PollInterval = TimeSpan.FromMinutes(10)), addDbContextAfterBus: addDbContextAfterBus);
        try
        {
            await BusHost.WaitConnectedAsync(consumer);
            // Let the relay finish its first (empty) round and go to sleep.
            await Poll.UntilAsync(() => producer.Services.GetRequiredService<MessagingState>().Outboxes.Count > 0, Deadline, "the relay ran once", Ct);
            Guid id;
            await using (var scope = producer.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
                db.Orders.Add(new Order { Id = Guid.CreateVersion7(), Number = 7 });
                id = db.AddIntegrationEvent(BusHost.Confirmed(Guid.CreateVersion7())).Id;
                await db.SaveChangesAsync(Ct);
            }

            await Poll.UntilAsync(() => probe.Attempts.ContainsKey(id), TimeSpan.FromSeconds(30), "the relay was woken by the save", Ct);
            Assert.Equal($"signal-producer-{addDbContextAfterBus}", probe.Sources[id]);
        }
        finally
        {
            await BusHost.StopQuietlyAsync(producer, consumer);
        }
    }

    [Fact]
    public async Task BrokerDeadLettersAMessageRedeliveredPastTheQueueDeliveryLimit()
    {
        // A consumer that crashes mid-handler never gets to retry or dead-letter: the quorum queue's delivery limit does.
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var host = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "crashing", BusHost.NewExchange(), new Probe(),
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>(), o => o.QueueDeliveryLimit = 2);
        await BusHost.WaitConnectedAsync(host);
        await host.StopAsync(Ct);
        try
        {
            var id = Guid.CreateVersion7();
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(rabbit.Server.ConnectionString) };
            await using var connection = await factory.CreateConnectionAsync(Ct);
            await using var channel = await connection.CreateChannelAsync(
                new RabbitMQ.Client.CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Ct);
            var body = System.Text.Encoding.UTF8.GetBytes(
                "{\"id\":\"" + id + "\",\"type\":\"booking.confirmed\",\"source\":\"test\",\"time\":\"2026-11-23T00:00:00Z\",\"schemaVersion\":1,\"data\":{}}");
            await channel.BasicPublishAsync("", "crashing", mandatory: true,
                new RabbitMQ.Client.BasicProperties { MessageId = id.ToString(), Type = "booking.confirmed", Persistent = true }, body, Ct);

            // Deliver and "crash" (requeue) until the broker gives up on it.
            var deliveries = 0;
            while (await channel.BasicGetAsync("crashing", autoAck: false, Ct) is { } delivery)
            {
                deliveries++;
                Assert.True(deliveries <= 10, "the broker kept redelivering past its delivery limit");
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, Ct);
            }

            var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
            await Poll.UntilAsync(async () => await deadLetters.CountAsync(Ct) == 1, Deadline, "the broker dead-lettered it", Ct);
            var listed = Assert.Single(await deadLetters.ListAsync(10, Ct));
            Assert.Equal(id, listed.MessageId);
            Assert.Equal("delivery_limit", listed.Reason);
            Assert.InRange(deliveries, 2, 3);
        }
        finally
        {
            host.Dispose();
        }
    }

    private sealed class IHostHolder
    {
        public Microsoft.Extensions.Hosting.IHost? Host { get; set; }
    }
}
