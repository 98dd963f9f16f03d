using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace EventBooking.Testing;

/// <summary>
/// One infrastructure resource of the AppHost (<c>postgres</c>, <c>messaging</c> or <c>smtp</c>) started on its own through
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

/// <summary>
/// The system (or the part of it a test class needs, with everything that part waits for) started from the AppHost through
/// <see cref="SystemUnderTest"/>. Derive to choose the services and configuration:
/// <c>public sealed class MyFixture() : TopologyFixture([ResourceNames.UsersApi])</c>. With <paramref name="dashboard"/>
/// the Aspire dashboard runs too and receives every service's telemetry (<see cref="SystemUnderTest.Telemetry"/>).
/// </summary>
public class TopologyFixture(IReadOnlyCollection<string>? services = null, int replicas = 1, bool seedDemoData = false, bool dashboard = false)
    : IAsyncLifetime
{
    private readonly TokenCache _tokens = new();
    private readonly Dictionary<string, (string Email, string Password)> _accounts = [];

    public SystemUnderTest System { get; private set; } = null!;

    protected virtual void Configure(Dictionary<string, string?> environment)
    {
    }

    public async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string?>();
        Configure(environment);
        System = await SystemUnderTest.StartAsync(new SystemUnderTestOptions
        {
            Resources = services,
            Replicas = replicas,
            SeedDemoData = seedDemoData,
            Dashboard = dashboard,
            Environment = environment,
        });
    }

    public HttpClient CreateClient(string service) => System.CreateClient(service);

    /// <summary>A client of <paramref name="service"/> carrying the access token of <paramref name="who"/> (see <see cref="TokenAsync"/>).</summary>
    public async Task<HttpClient> AsAsync(string service, string who)
    {
        var client = CreateClient(service);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(who));
        return client;
    }

    /// <summary>
    /// An access token, cached per name: "admin", "organizer", "attendee" sign in as the demo accounts (seedDemoData);
    /// "service" is bookings-api's service identity; any other "organizer-…" or "attendee-…" is a fresh account of that type.
    /// </summary>
    public Task<string> TokenAsync(string who) => _tokens.GetAsync(who, who switch
    {
        "admin" => () => LoginAsync(DemoData.AdminEmail, DemoData.Password),
        "organizer" => () => LoginAsync(DemoData.OrganizerEmail, DemoData.Password),
        "attendee" => () => LoginAsync(DemoData.AttendeeEmail, DemoData.Password),
        "service" => () => ServiceTokenAsync(ResourceNames.BookingsApi),
        _ when who.StartsWith("organizer-", StringComparison.Ordinal) => () => FreshAccountTokenAsync(who, "organizer"),
        _ when who.StartsWith("attendee-", StringComparison.Ordinal) => () => FreshAccountTokenAsync(who, "attendee"),
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, "Unknown account name."),
    });

    /// <summary>Registers the account the first time; signs the same account in again when its token runs out.</summary>
    private async Task<string> FreshAccountTokenAsync(string who, string accountType)
    {
        if (!_accounts.TryGetValue(who, out var account))
        {
            account = await RegisterAsync(accountType);
            _accounts[who] = account;
        }

        return await LoginAsync(account.Email, account.Password);
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        using var response = await users.PostAsJsonAsync("/api/users/login", new { email, password });
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Registers a fresh account ("attendee" or "organizer") and signs it in.</summary>
    public async Task<string> RegisterAndLoginAsync(string accountType)
    {
        var (email, password) = await RegisterAsync(accountType);
        return await LoginAsync(email, password);
    }

    private async Task<(string Email, string Password)> RegisterAsync(string accountType)
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        var email = $"{accountType}-{Guid.NewGuid():N}@test.example";
        const string password = "Correct-Horse-42!";
        using var response = await users.PostAsJsonAsync("/api/users/register", new { email, password, displayName = "Test " + accountType, accountType });
        await EnsureSuccessAsync(response);
        return (email, password);
    }

    /// <summary>A service-identity token (OAuth2 client credentials) for one of the topology's clients.</summary>
    public async Task<string> ServiceTokenAsync(string clientId)
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        using var response = await users.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = await System.ClientSecretAsync(clientId),
            ["scope"] = "eventbooking.internal",
        }));
        await EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (System is not null)
        {
            await System.DisposeAsync();
        }

        _tokens.Dispose();
        GC.SuppressFinalize(this);
    }
}
