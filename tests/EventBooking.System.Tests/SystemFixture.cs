using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// The whole system but the web (PostgreSQL, RabbitMQ, SMTP catcher, users-, events-, bookings- and notifications-api)
/// started once for the collection from the AppHost (<see cref="SystemUnderTest"/>), demo users seeded, every service
/// exporting its telemetry to the Aspire dashboard (read back through its telemetry API). The suite drives the APIs over HTTP, as the web's BFF does.
/// </summary>
public abstract class SystemTopology(int replicas) : IAsyncLifetime
{
    private readonly TokenCache _tokens = new();

    public SystemUnderTest System { get; private set; } = null!;
    public int Replicas => replicas;

    /// <summary>Counters of what the suite did (reported by the tests' output).</summary>
    public Figures Figures { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string?>
        {
            // Many buyers share a few accounts; the limits themselves are tested by the services' own suites.
            ["Bookings__BookingRequestsPerMinute"] = "1000000",
            ["Users__LoginRateLimit__PermitLimit"] = "100000",
            ["Users__RegisterRateLimit__PermitLimit"] = "100000",
            ["Users__TokenRateLimit__PermitLimit"] = "100000",
            // Background work settles quickly so quiescence comes soon after a fault.
            ["Bookings__SweepInterval"] = "00:00:00.500",
            ["Bookings__ReconcileAfter"] = "00:00:01",
            ["Inventory__SweepInterval"] = "00:00:01",
            ["Email__RetryBaseDelay"] = "00:00:01",
            ["Email__RetryMaxDelay"] = "00:00:03",
            ["Email__LeaseDuration"] = "00:00:10",
            ["Email__SmtpTimeout"] = "00:00:05",
        };
        System = await SystemUnderTest.StartAsync(new SystemUnderTestOptions
        {
            Resources = ResourceNames.Apis,
            Replicas = replicas,
            SeedDemoData = true,
            Dashboard = true,
            Environment = environment,
        });
    }

    /// <summary>A client of <paramref name="service"/>: through the orchestrator's proxy, or of one replica when <paramref name="replica"/> is given.</summary>
    public HttpClient Client(string service, string? token = null, int? replica = null)
    {
        var client = replica is { } index ? System.CreateReplicaClient(service, index) : System.CreateClient(service);
        client.Timeout = TimeSpan.FromSeconds(60);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>"admin", "organizer", "attendee" (the demo accounts), signed in again when the token runs out.</summary>
    public Task<string> TokenAsync(string who) => _tokens.GetAsync(who, () => LoginAsync(who switch
    {
        "admin" => DemoData.AdminEmail,
        "organizer" => DemoData.OrganizerEmail,
        "attendee" => DemoData.AttendeeEmail,
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    }, DemoData.Password));

    public async Task<string> LoginAsync(string email, string password)
    {
        using var users = Client(ResourceNames.UsersApi);
        var response = await Http.RetryAsync(() => users.PostAsJsonAsync("/api/users/login", new { email, password }));
        await Http.EnsureAsync(response, "login " + email);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Registers a fresh account and signs it in: (user id, email, token).</summary>
    public async Task<Buyer> RegisterAsync(string accountType = "attendee")
    {
        var email = $"{accountType}-{Guid.NewGuid():N}@system.test";
        const string password = "Correct-Horse-42!";
        using var users = Client(ResourceNames.UsersApi);
        using var registered = await Http.RetryAsync(() => users.PostAsJsonAsync("/api/users/register", new { email, password, displayName = "System " + accountType, accountType }));
        await Http.EnsureAsync(registered, "register");
        var token = await LoginAsync(email, password);
        using var me = Client(ResourceNames.UsersApi, token);
        var profile = await me.GetFromJsonAsync<JsonElement>("/api/users/me");
        return new Buyer(profile.GetProperty("id").GetGuid(), email, token);
    }

    /// <summary>A connection to one of the topology's PostgreSQL databases (for read-only checks).</summary>
    public async Task<NpgsqlConnection> OpenDatabaseAsync(string database)
    {
        var connection = new NpgsqlConnection(await System.ConnectionStringAsync(database));
        await connection.OpenAsync();
        return connection;
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

public sealed record Buyer(Guid UserId, string Email, string Token);

/// <summary>
/// Two replicas of each API (the AppHost's EventBooking:Replicas = 2): every scenario runs scaled out, clients and samplers spread
/// over both replicas. One topology for the whole suite keeps it within CI's time budget.
/// </summary>
public sealed class SystemFixture() : SystemTopology(2);

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}

/// <summary>What the suite tried, for the report: operations, concurrent clients, faults, and the failure counts that must stay 0.</summary>
public sealed class Figures
{
    private long _operations;
    private long _faults;

    public long Operations => Interlocked.Read(ref _operations);
    public long Faults => Interlocked.Read(ref _faults);

    public void AddOperations(long count) => Interlocked.Add(ref _operations, count);

    public void AddFault() => Interlocked.Increment(ref _faults);
}
