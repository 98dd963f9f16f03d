using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.LocalHost;
using EventBooking.LocalHost.Infrastructure;
using Microsoft.Extensions.Hosting;
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
/// With <paramref name="exportTraces"/> every service exports its spans to a test OTLP receiver (<see cref="Otlp"/>).
/// </summary>
public class TopologyFixture(IReadOnlyCollection<string>? services = null, int replicas = 1, bool seedDemoData = false, bool exportTraces = false)
    : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("eventbooking-topology");
    private readonly TokenCache _tokens = new();
    private readonly Dictionary<string, (string Email, string Password)> _accounts = [];

    public Topology Topology { get; private set; } = null!;

    /// <summary>The receiver of the services' spans; null unless the fixture was made with <c>exportTraces</c>.</summary>
    public OtlpReceiver? Otlp { get; private set; }

    protected virtual void Configure(Dictionary<string, string?> environment)
    {
    }

    public async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string?>();
        if (exportTraces)
        {
            Otlp = await OtlpReceiver.StartAsync();
            foreach (var (key, value) in Otlp.ExporterEnvironment)
            {
                environment[key] = value;
            }
        }

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
            ["client_secret"] = Topology.ClientSecrets[clientId],
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
        if (Topology is not null)
        {
            await Topology.DisposeAsync();
        }

        if (Otlp is not null)
        {
            await Otlp.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        _directory.Dispose();
        _tokens.Dispose();
        GC.SuppressFinalize(this);
    }
}
