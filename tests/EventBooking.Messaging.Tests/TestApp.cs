using System.Collections.Concurrent;
using System.Diagnostics;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace EventBooking.Messaging.Tests;

/// <summary>A test-only DbContext: producer state (orders), consumer effects, outbox and inbox tables.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    /// <summary>Effects of consumed messages; deliberately no unique index on MessageId, so a duplicate effect would show.</summary>
    public DbSet<Effect> Effects => Set<Effect>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>().HasKey(o => o.Id);
        modelBuilder.Entity<Effect>().HasKey(e => e.Id);
        modelBuilder.Entity<Effect>().HasIndex(e => e.MessageId);
        modelBuilder.AddOutboxMessageEntity();
        modelBuilder.AddInboxMessageEntity();
    }

    public static async Task<string> CreateDatabaseAsync(EventBooking.Testing.PostgresFixture postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync("messaging");
        await using var db = Open(connectionString);
        await db.Database.EnsureCreatedAsync();
        return connectionString;
    }

    public static TestDbContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(connectionString).Options);
}

public sealed class Order
{
    public Guid Id { get; set; }
    public int Number { get; set; }
}

public sealed class Effect
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public string Consumer { get; set; } = "";
    public string Source { get; set; } = "";
}

/// <summary>What the handlers of one test saw.</summary>
public sealed class Probe
{
    public ConcurrentDictionary<Guid, int> Attempts { get; } = new();

    /// <summary>Deliveries whose handling has finished (its transaction committed or skipped), per message id.</summary>
    public ConcurrentDictionary<Guid, int> Handled { get; } = new();
    public ConcurrentDictionary<Guid, string> Sources { get; } = new();
    public ConcurrentQueue<string?> Baggage { get; } = new();

    /// <summary>How many times each message makes <see cref="FlakyHandler"/> throw before it succeeds.</summary>
    public int FailuresBeforeSuccess { get; set; }

    /// <summary>While true, <see cref="FailingHandler"/> always throws.</summary>
    public bool AlwaysFail { get; set; } = true;

    public int TotalAttempts => Attempts.Values.Sum();
}

/// <summary>Records every delivery, then takes effect once through the EF inbox.</summary>
public sealed class RecordingHandler(TestDbContext db, Probe probe) : IIntegrationEventHandler<BookingConfirmed>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingConfirmed> message, CancellationToken cancellationToken)
    {
        probe.Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        probe.Sources[message.Id] = message.Source;
        probe.Baggage.Enqueue(message.Baggage);
        await db.ProcessOnceAsync(message.Id, nameof(RecordingHandler), ct =>
        {
            db.Effects.Add(new Effect { Id = Guid.CreateVersion7(), MessageId = message.Id, Consumer = nameof(RecordingHandler), Source = message.Source });
            return Task.CompletedTask;
        }, cancellationToken);
        probe.Handled.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
    }
}

/// <summary>Fails the first <see cref="Probe.FailuresBeforeSuccess"/> deliveries of each message.</summary>
public sealed class FlakyHandler(TestDbContext db, Probe probe) : IIntegrationEventHandler<BookingExpired>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingExpired> message, CancellationToken cancellationToken)
    {
        var attempt = probe.Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        await db.ProcessOnceAsync(message.Id, nameof(FlakyHandler), ct =>
        {
            db.Effects.Add(new Effect { Id = Guid.CreateVersion7(), MessageId = message.Id, Consumer = nameof(FlakyHandler), Source = message.Source });
            // Fails after writing, before commit: a failed attempt must leave no effect behind.
            return attempt <= probe.FailuresBeforeSuccess
                ? throw new InvalidOperationException($"Simulated failure {attempt} of message {message.Id}")
                : Task.CompletedTask;
        }, cancellationToken);
    }
}

/// <summary>Throws while <see cref="Probe.AlwaysFail"/>; takes effect once afterwards.</summary>
public sealed class FailingHandler(TestDbContext db, Probe probe) : IIntegrationEventHandler<BookingCancelled>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingCancelled> message, CancellationToken cancellationToken)
    {
        probe.Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        if (probe.AlwaysFail)
        {
            throw new InvalidOperationException("Simulated poison handler");
        }

        await db.ProcessOnceAsync(message.Id, nameof(FailingHandler), ct =>
        {
            db.Effects.Add(new Effect { Id = Guid.CreateVersion7(), MessageId = message.Id, Consumer = nameof(FailingHandler), Source = message.Source });
            return Task.CompletedTask;
        }, cancellationToken);
    }
}

/// <summary>Builds and starts a host the way a service does (AddNpgsqlDbContextWithServiceDefaults + AddEventBus).</summary>
public static class TestApp
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
            builder.AddNpgsqlDbContextWithServiceDefaults<TestDbContext>("testdb");
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
            builder.AddNpgsqlDbContextWithServiceDefaults<TestDbContext>("testdb");
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
        await using var db = TestDbContext.Open(database);
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
        await using var db = TestDbContext.Open(database);
        return await db.Effects.Where(e => e.Consumer == consumer).GroupBy(e => e.MessageId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
    }

    public static async Task<int> PendingOutboxAsync(string database, CancellationToken cancellationToken)
    {
        await using var db = TestDbContext.Open(database);
        return await db.Set<OutboxMessage>().CountAsync(m => m.SentAt == null, cancellationToken);
    }

    public static async Task WaitConnectedAsync(IHost host) =>
        await EventBooking.Testing.Poll.UntilAsync(() => host.Services.GetRequiredService<MessagingState>().ConsumerConnected,
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

/// <summary>Host logs go to the test bin's server-output.log, not the console.</summary>
public sealed class TestLogProvider(string source) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestLogger(source, categoryName);

    public void Dispose()
    {
    }

    private sealed class TestLogger(string source, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            EventBooking.Testing.TestLog.Write(source, $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
    }
}
