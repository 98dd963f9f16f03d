using EventBooking.AppHost;
using Npgsql;
using Xunit;

namespace EventBooking.Testing;

/// <summary>
/// One infrastructure resource of the AppHost (<c>postgres</c>, <c>messaging</c>, <c>smtp</c> or <c>cache</c>) started on its own through
/// <see cref="SystemUnderTest"/>, with ephemeral data and a free port, for the tests of one assembly or class.
/// </summary>
public abstract class InfrastructureFixture(string resource) : IAsyncLifetime
{
    public SystemUnderTest System { get; private set; } = null!;

    /// <summary>The started resource: its connection string and fault injection.</summary>
    public InfrastructureServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        System = await SystemUnderTest.StartAsync(new SystemUnderTestOptions { Resources = [resource] });
        Server = new InfrastructureServer(System, resource, await System.ConnectionStringAsync(resource));
    }

    public async ValueTask DisposeAsync()
    {
        if (System is not null)
        {
            await System.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A throwaway PostgreSQL server (the AppHost's <c>postgres</c>) for one test assembly or class.</summary>
public sealed class PostgresFixture() : InfrastructureFixture(ResourceNames.Postgres)
{
    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        // Unique and within PostgreSQL's 63 characters whatever the prefix: the prefix is cut, never the unique part.
        var unique = Guid.NewGuid().ToString("N");
        var name = $"{(prefix.Length > 30 ? prefix[..30] : prefix)}_{unique}".ToLowerInvariant();
        await Server.EnsureDatabasesAsync([name]);
        return Server.DatabaseConnectionString(name);
    }
}

/// <summary>A throwaway RabbitMQ node (the AppHost's <c>messaging</c>) for one test assembly or class.</summary>
public sealed class RabbitMqFixture() : InfrastructureFixture(ResourceNames.Messaging);

/// <summary>A throwaway SMTP catcher (the AppHost's <c>smtp</c>) writing to a Maildir.</summary>
public sealed class SmtpFixture() : InfrastructureFixture(ResourceNames.Smtp)
{
    /// <summary>The raw messages received so far (RFC 5322 text), oldest first.</summary>
    public IReadOnlyList<string> ReadMessages() => Mail.Read(System.Maildir);
}

/// <summary>A throwaway Redis server (the AppHost's <c>cache</c>) for one test assembly or class.</summary>
public sealed class RedisFixture() : InfrastructureFixture(ResourceNames.Cache);

/// <summary>An infrastructure resource of a running <see cref="SystemUnderTest"/>: where it answers, and faults to inject.</summary>
public sealed class InfrastructureServer(SystemUnderTest system, string resource, string connectionString)
{
    /// <summary>The connection string the services get (for <c>postgres</c>: the server's, without a database).</summary>
    public string ConnectionString => connectionString;

    /// <summary>For <c>postgres</c>: the connection string of one of its databases.</summary>
    public string DatabaseConnectionString(string database) => new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    /// <summary>For <c>postgres</c>: creates the databases that do not exist yet.</summary>
    public async Task EnsureDatabasesAsync(IEnumerable<string> databases, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        foreach (var database in databases)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(database)}", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
            }
        }
    }

    /// <summary>kill -9 of the server (a crash); <see cref="RestartAsync"/> brings it back on the same port and data.</summary>
    public Task KillHardAsync(CancellationToken cancellationToken = default) => system.KillAsync(resource, cancellationToken);

    /// <summary>A graceful stop (the orchestrator's Stop command), keeping the data for a restart.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => system.StopAsync(resource, cancellationToken);

    /// <summary>Starts the server again after a stop or a kill, on the same port and data, and waits until it is healthy.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await system.StartAsync(resource, cancellationToken: cancellationToken);
        NpgsqlConnection.ClearAllPools();
    }
}
