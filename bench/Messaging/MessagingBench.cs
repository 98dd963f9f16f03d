using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EventBooking.AppHost;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBooking.Messaging.Bench;

public sealed record BenchOptions(int Events, int BatchSize, int PacedEvents, int PacedRate, int DirectPublishes)
{
    public static BenchOptions Parse(string[] args)
    {
        int Read(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchOptions(Read("--events", 5000), Read("--batch", 50), Read("--paced", 400), Read("--rate", 100), Read("--direct", 5000));
    }
}

/// <summary>
/// Starts a private PostgreSQL and RabbitMQ (the AppHost's, through Aspire.Hosting.Testing), a producer host (EF outbox +
/// relay) and a consumer host (handler writing its effect through the EF inbox), exactly as services wire them, then measures.
/// </summary>
public sealed class MessagingBench : IAsyncDisposable
{
    private readonly SystemUnderTest _system;
    private readonly string _messaging;
    private readonly string _database;

    private MessagingBench(SystemUnderTest system, string messaging, string database, BenchOptions options)
    {
        _system = system;
        _messaging = messaging;
        _database = database;
        Options = options;
    }

    public BenchOptions Options { get; }

    public static async Task<MessagingBench> StartAsync(BenchOptions options)
    {
        var system = await SystemUnderTest.StartAsync(new SystemUnderTestOptions { Resources = [ResourceNames.Postgres, ResourceNames.Messaging] });
        try
        {
            var postgres = new InfrastructureServer(system, ResourceNames.Postgres, await system.ConnectionStringAsync(ResourceNames.Postgres));
            await postgres.EnsureDatabasesAsync(["bench"]);
            var database = postgres.DatabaseConnectionString("bench");
            await using (var db = BenchDbContext.Open(database))
            {
                await db.Database.EnsureCreatedAsync();
            }

            return new MessagingBench(system, await system.ConnectionStringAsync(ResourceNames.Messaging), database, options);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public async Task RunAsync()
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; RabbitMQ and PostgreSQL local, single node.");
        Console.WriteLine("Publisher confirms on (tracking, max 256 in flight), persistent messages, quorum queue, manual ack after the EF inbox transaction commits.");
        Console.WriteLine();

        await RunScenarioAsync($"Burst: {Options.Events} events written {Options.BatchSize} per transaction (defaults: batch 100, poll 250 ms + save signal)", TimeSpan.FromMilliseconds(250), 100, Options.Events, paced: null);
        await RunScenarioAsync($"Burst: {Options.Events} events written {Options.BatchSize} per transaction (relay batch 500)", TimeSpan.FromMilliseconds(250), 500, Options.Events, paced: null);
        await RunScenarioAsync($"Paced {Options.PacedRate}/s, one event per transaction (defaults)", TimeSpan.FromMilliseconds(250), 100, Options.PacedEvents, paced: Options.PacedRate);
        await RunDirectPublishAsync();
    }

    private async Task RunScenarioAsync(string name, TimeSpan pollInterval, int relayBatch, int count, int? paced)
    {
        var exchange = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var recorder = new Recorder();
        using var consumer = await StartHostAsync("bench-consumer-" + exchange, exchange, recorder, bus => bus.AddSubscription<BookingConfirmed, BenchHandler>());
        await WaitConnectedAsync(consumer);
        using var producer = await StartHostAsync("bench-producer-" + exchange, exchange, new Recorder(), bus => bus.AddOutbox<BenchDbContext>(o =>
        {
            o.PollInterval = pollInterval;
            o.BatchSize = relayBatch;
        }));

        var started = Stopwatch.GetTimestamp();
        if (paced is int rate)
        {
            var interval = TimeSpan.FromSeconds(1.0 / rate);
            for (var i = 0; i < count; i++)
            {
                var due = started + (long)(interval.TotalSeconds * i * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                await WriteAsync(producer, 1);
            }
        }
        else
        {
            for (var sent = 0; sent < count; sent += Options.BatchSize)
            {
                await WriteAsync(producer, Math.Min(Options.BatchSize, count - sent));
            }
        }

        var written = Stopwatch.GetElapsedTime(started);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (recorder.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var latencies = recorder.Latencies();
        Console.WriteLine($"## {name}");
        Console.WriteLine($"  events: {count} (consumed {recorder.Count}, duplicates effected {recorder.Duplicates}), written in {written.TotalSeconds:0.00} s, all consumed after {elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"  end-to-end throughput: {recorder.Count / elapsed.TotalSeconds:0} events/s");
        Console.WriteLine($"  latency outbox write → handler committed: p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies.LastOrDefault():0.0} ms");
        Console.WriteLine();
        await producer.StopAsync();
        await consumer.StopAsync();
    }

    private async Task RunDirectPublishAsync()
    {
        var exchange = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var recorder = new Recorder();
        using var consumer = await StartHostAsync("bench-direct-" + exchange, exchange, recorder, bus => bus.AddSubscription<BookingConfirmed, BenchHandler>());
        await WaitConnectedAsync(consumer);
        var publisher = consumer.Services.GetRequiredService<IIntegrationEventPublisher>();
        var count = Options.DirectPublishes;
        var confirmLatencies = new ConcurrentBag<double>();
        var started = Stopwatch.GetTimestamp();
        using var limiter = new SemaphoreSlim(256);
        var tasks = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await limiter.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await publisher.PublishAsync(Event(), CancellationToken.None);
                    confirmLatencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
                finally
                {
                    limiter.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
        var confirmed = Stopwatch.GetElapsedTime(started);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (recorder.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var consumed = Stopwatch.GetElapsedTime(started);
        var confirms = confirmLatencies.Order().ToList();
        Console.WriteLine("## Direct publish (IIntegrationEventPublisher, 256 concurrent publishes awaiting confirms)");
        Console.WriteLine($"  confirmed: {count} in {confirmed.TotalSeconds:0.00} s = {count / confirmed.TotalSeconds:0} msg/s; confirm latency p50 {Percentile(confirms, 0.5):0.0} ms, p99 {Percentile(confirms, 0.99):0.0} ms");
        Console.WriteLine($"  consumed (EF inbox): {recorder.Count} after {consumed.TotalSeconds:0.00} s = {recorder.Count / consumed.TotalSeconds:0} msg/s");
        Console.WriteLine();
        await consumer.StopAsync();
    }

    private static async Task WriteAsync(IHost producer, int events)
    {
        // Through the producer's own (pooled) DbContext, as a service writes: the SaveChanges interceptor wakes the relay.
        await using var scope = producer.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BenchDbContext>();
        for (var i = 0; i < events; i++)
        {
            db.AddIntegrationEvent(Event());
        }

        await db.SaveChangesAsync();
    }

    private static BookingConfirmed Event() => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "ana@example.com", "Ana", "Benchmark concert", DateTimeOffset.UtcNow.AddDays(30),
        2, new Money(80m, "EUR"), Guid.CreateVersion7(), [new TicketInfo(Guid.CreateVersion7(), "T-000001", 1, "QR-CODE-PAYLOAD")], DateTimeOffset.UtcNow);

    private async Task<IHost> StartHostAsync(string serviceName, string exchange, Recorder recorder, Action<IEventBusBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = serviceName, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = _messaging,
            ["ConnectionStrings:benchdb"] = _database,
        });
        builder.Logging.ClearProviders();
        builder.AddNpgsqlDbContextWithServiceDefaults<BenchDbContext>("benchdb");
        builder.Services.AddSingleton(recorder);
        var bus = builder.AddEventBus("messaging", serviceName, o =>
        {
            o.ExchangeName = exchange;
            o.DeadLetterExchangeName = exchange + ".dead-letter";
            o.PrefetchCount = 64;
            o.ConsumerConcurrency = 8;
        });
        configure(bus);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task WaitConnectedAsync(IHost host)
    {
        var state = host.Services.GetRequiredService<MessagingState>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!state.ConsumerConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public ValueTask DisposeAsync() => _system.DisposeAsync();
}

public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchEffect>().HasKey(e => e.MessageId);
        modelBuilder.AddOutboxMessageEntity();
        modelBuilder.AddInboxMessageEntity();
    }

    public static BenchDbContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<BenchDbContext>().UseNpgsql(connectionString).Options);
}

public sealed class BenchEffect
{
    public Guid MessageId { get; set; }
    public Guid BookingId { get; set; }
}

/// <summary>End-to-end latency = handler commit time − envelope time (the outbox write).</summary>
public sealed class Recorder
{
    private readonly ConcurrentDictionary<Guid, double> _latencies = new();
    private int _duplicates;

    public int Count => _latencies.Count;

    public int Duplicates => _duplicates;

    public void Record(Guid id, double milliseconds)
    {
        if (!_latencies.TryAdd(id, milliseconds))
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    public List<double> Latencies() => [.. _latencies.Values.Order()];
}

public sealed class BenchHandler(BenchDbContext db, Recorder recorder, TimeProvider timeProvider) : IIntegrationEventHandler<BookingConfirmed>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingConfirmed> message, CancellationToken cancellationToken)
    {
        var effected = await db.ProcessOnceAsync(message.Id, nameof(BenchHandler), ct =>
        {
            db.Add(new BenchEffect { MessageId = message.Id, BookingId = message.Data.BookingId });
            return Task.CompletedTask;
        }, cancellationToken);
        if (effected)
        {
            recorder.Record(message.Id, (timeProvider.GetUtcNow() - message.Time).TotalMilliseconds);
        }
    }
}
