using System.Diagnostics;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace EventBooking.Messaging.Tests;

/// <summary>Builds and starts a host the way a service does (AddNpgsqlDbContextWithServiceDefaults + AddEventBus).</summary>
public static class BusHost
{
    public const string TestActivitySource = "EventBooking.Messaging.Tests";

    public static async Task<IHost> StartAsync(
        string amqp, string database, string serviceName, string exchange, Probe probe,
        Action<IEventBusBuilder>? configureBus = null, Action<EventBusOptions>? configureOptions = null,
        ICollection<Activity>? exportedActivities = null, bool addDbContextAfterBus = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", ApplicationName = serviceName });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = amqp,
            ["ConnectionStrings:testdb"] = database,
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new TestLogProvider(serviceName));
        if (!addDbContextAfterBus)
        {
            builder.AddNpgsqlDbContextWithServiceDefaults<OrdersDbContext>("testdb");
        }

        builder.Services.AddSingleton(probe);
        var bus = builder.AddEventBus("messaging", serviceName, options =>
        {
            options.ExchangeName = exchange;
            options.DeadLetterExchangeName = exchange + ".dead-letter";
            options.RetryDelay = TimeSpan.FromMilliseconds(50);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
            options.MonitorInterval = TimeSpan.FromMilliseconds(500);
            options.PublishTimeout = TimeSpan.FromSeconds(10);
            configureOptions?.Invoke(options);
        });
        configureBus?.Invoke(bus);
        if (addDbContextAfterBus)
        {
            builder.AddNpgsqlDbContextWithServiceDefaults<OrdersDbContext>("testdb");
        }

        if (exportedActivities is not null)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(TestActivitySource).AddInMemoryExporter(exportedActivities));
        }

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IEventBusBuilder WithFastOutbox<TDbContext>(this IEventBusBuilder bus, int batchSize = 50) where TDbContext : DbContext =>
        bus.AddOutbox<TDbContext>(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(50);
            o.BatchSize = batchSize;
            o.MinRetryDelay = TimeSpan.FromMilliseconds(200);
            o.MaxRetryDelay = TimeSpan.FromSeconds(1);
            o.LeaseDuration = TimeSpan.FromSeconds(30);
        });

    public static string NewExchange() => "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Writes an order and its BookingConfirmed event in one SaveChanges (the producer's unit of work).</summary>
    public static async Task<Guid> WriteOrderWithEventAsync(string database, int number, CancellationToken cancellationToken)
    {
        await using var db = OrdersDbContext.Open(database);
        var order = new Order { Id = Guid.CreateVersion7(), Number = number };
        db.Orders.Add(order);
        var message = db.AddIntegrationEvent(Confirmed(order.Id));
        await db.SaveChangesAsync(cancellationToken);
        return message.Id;
    }

    public static BookingConfirmed Confirmed(Guid bookingId) => new(
        bookingId, Guid.CreateVersion7(), Guid.CreateVersion7(), "ana@example.com", "Ana", "Concert", DateTimeOffset.UtcNow.AddDays(10),
        2, new Money(40m, "EUR"), Guid.CreateVersion7(), [new TicketInfo(Guid.CreateVersion7(), "T-1", 1, "CODE1")], DateTimeOffset.UtcNow);

    public static BookingCancelled Cancelled(Guid bookingId) => new(
        bookingId, Guid.CreateVersion7(), Guid.CreateVersion7(), "ana@example.com", "Concert", 2, Guid.CreateVersion7(), "attendee", "changed plans",
        new Money(40m, "EUR"), DateTimeOffset.UtcNow);

    public static BookingExpired Expired(Guid bookingId) => new(
        bookingId, Guid.CreateVersion7(), Guid.CreateVersion7(), "ana@example.com", "Concert", 2, Guid.CreateVersion7(), DateTimeOffset.UtcNow);

    public static async Task<Dictionary<Guid, int>> EffectCountsAsync(string database, string consumer, CancellationToken cancellationToken)
    {
        await using var db = OrdersDbContext.Open(database);
        return await db.Effects.Where(e => e.Consumer == consumer).GroupBy(e => e.MessageId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
    }

    public static async Task<int> PendingOutboxAsync(string database, CancellationToken cancellationToken)
    {
        await using var db = OrdersDbContext.Open(database);
        return await db.Set<OutboxMessage>().CountAsync(m => m.SentAt == null, cancellationToken);
    }

    public static async Task WaitConnectedAsync(IHost host) =>
        await Poll.UntilAsync(() => host.Services.GetRequiredService<MessagingState>().ConsumerConnected,
            TimeSpan.FromSeconds(30), "the consumer is connected", Xunit.TestContext.Current.CancellationToken);

    public static async Task StopQuietlyAsync(params IHost[] hosts)
    {
        foreach (var host in hosts)
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
        }
    }
}
