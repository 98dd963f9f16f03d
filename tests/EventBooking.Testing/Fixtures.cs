using EventBooking.LocalHost;
using EventBooking.LocalHost.Infrastructure;
using Npgsql;
using Xunit;

namespace EventBooking.Testing;

/// <summary>A throwaway PostgreSQL server (ephemeral data directory, free port) for one test assembly or class.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("eventbooking-pg");
    private int _databaseCounter;

    public PostgresServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await PostgresServer.StartAsync(_directory.Path, TestLog.Write);

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}".ToLowerInvariant();
        name = name.Length > 63 ? name[..63] : name;
        await Server.EnsureDatabasesAsync([name]);
        return Server.ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        _directory.Dispose();
    }
}

/// <summary>A throwaway RabbitMQ node for one test assembly or class.</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("eventbooking-mq");

    public RabbitMqServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await RabbitMqServer.StartAsync(_directory.Path, TestLog.Write);

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        _directory.Dispose();
    }
}

/// <summary>A throwaway SMTP catcher writing to a Maildir.</summary>
public sealed class SmtpFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("eventbooking-smtp");

    public SmtpServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await SmtpServer.StartAsync(_directory.Path, TestLog.Write);

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        _directory.Dispose();
    }
}

/// <summary>
/// The topology (or part of it) started through LocalHost's library. Derive to choose the services
/// and configuration: <c>public sealed class MyFixture() : TopologyFixture([ResourceNames.UsersApi])</c>.
/// </summary>
public class TopologyFixture(IReadOnlyCollection<string>? services = null, int replicas = 1, bool seedDemoData = false) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("eventbooking-topology");

    public Topology Topology { get; private set; } = null!;

    protected virtual void Configure(Dictionary<string, string?> environment)
    {
    }

    public async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string?>();
        Configure(environment);
        Topology = await Topology.StartAsync(new TopologyOptions
        {
            DataDirectory = _directory.Path,
            Services = services,
            Replicas = replicas,
            SeedDemoData = seedDemoData,
            Log = TestLog.Write,
            Environment = environment,
        });
    }

    public HttpClient CreateClient(string service) => new() { BaseAddress = Topology.UrlOf(service) };

    public async ValueTask DisposeAsync()
    {
        if (Topology is not null)
        {
            await Topology.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
