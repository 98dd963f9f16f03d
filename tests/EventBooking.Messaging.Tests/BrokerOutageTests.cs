using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace EventBooking.Messaging.Tests;

/// <summary>Broker stopped or killed (kill -9) under the bus: a broker of its own, since these tests take it down.</summary>
public sealed class BrokerOutageTests(PostgresFixture postgres, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventsWrittenWhileTheBrokerIsDownArriveOnceAfterItStarts()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var exchange = BusHost.NewExchange();
        var probe = new Probe();
        // Declare the consumer queue first, so the routing exists in the broker's durable state.
        var consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "outage-consumer", exchange, probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
        await BusHost.WaitConnectedAsync(consumer);
        await BusHost.StopQuietlyAsync(consumer);
        await rabbit.Server.StopAsync(Ct);

        IHostPair? hosts = null;
        try
        {
            var producer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "outage-producer", exchange, new Probe(),
                bus => bus.WithFastOutbox<OrdersDbContext>());
            consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "outage-consumer", exchange, probe,
                bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
            hosts = new IHostPair(producer, consumer);

            var ids = new List<Guid>();
            for (var i = 0; i < 25; i++)
            {
                ids.Add(await BusHost.WriteOrderWithEventAsync(database, i, Ct));
            }

            // The relay tried (and failed) while the broker was down; nothing was marked sent.
            await Poll.UntilAsync(async () =>
            {
                await using var db = OrdersDbContext.Open(database);
                return db.Set<OutboxMessage>().Count(m => m.Attempts > 0 && m.LastError != null) == ids.Count;
            }, Deadline, "the relay attempted every row while the broker was down", Ct);
            Assert.Equal(ids.Count, await BusHost.PendingOutboxAsync(database, Ct));
            Assert.Empty(probe.Attempts);

            await rabbit.Server.RestartAsync(Ct);

            await Poll.UntilAsync(async () => (await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct)).Count == ids.Count, Deadline, "every event took effect", Ct);
            await Poll.UntilAsync(async () => await BusHost.PendingOutboxAsync(database, Ct) == 0, Deadline, "the outbox is drained", Ct);
            var effects = await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct);
            Assert.All(ids, id => Assert.Equal(1, effects[id]));
        }
        finally
        {
            if (hosts is not null)
            {
                await BusHost.StopQuietlyAsync(hosts.Producer, hosts.Consumer);
            }
        }
    }

    [Fact]
    public async Task BrokerKilledMidStreamAndRestartedConsumersResumeAndNothingIsLost()
    {
        var database = await OrdersDbContext.CreateDatabaseAsync(postgres);
        var exchange = BusHost.NewExchange();
        var probe = new Probe();
        // The queue must be an established one: RabbitMQ 3.10 keeps its quorum-queue registry (Ra's names.dets) in a file
        // it syncs lazily, so a quorum queue declared a moment before a kill -9 can come back unusable (basic.consume
        // times out forever). A clean broker restart after declaring it makes it durable, as any long-lived queue is.
        var consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "kill-consumer", exchange, probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
        await BusHost.WaitConnectedAsync(consumer);
        await BusHost.StopQuietlyAsync(consumer);
        await rabbit.Server.StopAsync(Ct);
        await rabbit.Server.RestartAsync(Ct);

        consumer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "kill-consumer", exchange, probe,
            bus => bus.AddSubscription<BookingConfirmed, RecordingHandler>());
        var producer = await BusHost.StartAsync(rabbit.Server.ConnectionString, database, "kill-producer", exchange, new Probe(),
            bus => bus.WithFastOutbox<OrdersDbContext>(batchSize: 20));
        try
        {
            await BusHost.WaitConnectedAsync(consumer);
            var ids = new List<Guid>();
            for (var i = 0; i < 100; i++)
            {
                ids.Add(await BusHost.WriteOrderWithEventAsync(database, i, Ct));
            }

            // Mid-stream: some events consumed, the rest still in flight or in the outbox.
            await Poll.UntilAsync(() => !probe.Attempts.IsEmpty, Deadline, "consumption started", Ct);
            await rabbit.Server.KillHardAsync(Ct);
            for (var i = 100; i < 200; i++)
            {
                ids.Add(await BusHost.WriteOrderWithEventAsync(database, i, Ct));
            }

            await rabbit.Server.RestartAsync(Ct);
            for (var i = 200; i < 250; i++)
            {
                ids.Add(await BusHost.WriteOrderWithEventAsync(database, i, Ct));
            }

            await Poll.UntilAsync(async () => (await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct)).Count == ids.Count, Deadline,
                "every event took effect after the broker came back", Ct);
            await Poll.UntilAsync(async () => await BusHost.PendingOutboxAsync(database, Ct) == 0, Deadline, "the outbox is drained", Ct);
            var effects = await BusHost.EffectCountsAsync(database, nameof(RecordingHandler), Ct);
            Assert.All(ids, id => Assert.Equal(1, effects[id]));
            await Poll.UntilAsync(() => consumer.Services.GetRequiredService<MessagingState>().ConsumerConnected, Deadline, "the consumer is connected again", Ct);
        }
        finally
        {
            await BusHost.StopQuietlyAsync(producer, consumer);
        }
    }

    private sealed record IHostPair(Microsoft.Extensions.Hosting.IHost Producer, Microsoft.Extensions.Hosting.IHost Consumer);
}
