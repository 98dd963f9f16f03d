using EventBooking.AppHost;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace EventBooking.Testing;

/// <summary>
/// The system (or the part of it a test class needs, with everything that part waits for) started from the AppHost through
/// <see cref="SystemUnderTest"/>, and signed-in clients of its services (<see cref="Accounts"/>). Derive to choose the services
/// and configuration: <c>public sealed class MyFixture() : TopologyFixture([ResourceNames.UsersApi])</c>. With
/// <paramref name="dashboard"/> the Aspire dashboard runs too and receives every service's telemetry
/// (<see cref="SystemUnderTest.Telemetry"/>). <paramref name="replicas"/> is per API, <paramref name="webReplicas"/> for the web.
/// </summary>
public class TopologyFixture(IReadOnlyCollection<string>? services = null, int replicas = 1, bool seedDemoData = false, bool dashboard = false, int webReplicas = 1)
    : IAsyncLifetime
{
    private readonly TokenCache _tokens = new();
    /// <summary>The demo admin's token that marks new accounts verified: its own cache, since registering runs inside <see cref="_tokens"/>' lock.</summary>
    private readonly TokenCache _verifier = new();
    private readonly Dictionary<string, Account> _accounts = [];

    public SystemUnderTest System { get; private set; } = null!;

    public int Replicas => replicas;

    /// <summary>How sign-ins and the library's other setup calls are retried (a suite that restarts services waits them out).</summary>
    public virtual RetryPolicy Retry => RetryPolicy.Unavailable;

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
            WebReplicas = webReplicas,
            SeedDemoData = seedDemoData,
            Dashboard = dashboard,
            Environment = environment,
        });
    }

    /// <summary>
    /// A client of <paramref name="service"/> sending <paramref name="token"/> (if any): through the orchestrator's proxy, or to one
    /// replica's own address when <paramref name="replica"/> is given.
    /// </summary>
    public HttpClient CreateClient(string service, string? token = null, int? replica = null) =>
        (replica is { } index ? System.CreateReplicaClient(service, index) : System.CreateClient(service)).SignedIn(token);

    /// <summary>A client of <paramref name="service"/> carrying the access token of <paramref name="who"/> (see <see cref="TokenAsync"/>).</summary>
    public async Task<HttpClient> AsAsync(string service, string who) => CreateClient(service, await TokenAsync(who));

    /// <summary>
    /// An access token, cached per name until shortly before it expires: "admin", "organizer", "attendee" sign in as the demo
    /// accounts (seedDemoData); "service" is bookings-api's service identity; any other "organizer-…" or "attendee-…" is a fresh
    /// account of that type, registered the first time.
    /// </summary>
    public Task<string> TokenAsync(string who) => _tokens.GetAsync(who, who switch
    {
        "admin" => async () => (await LoginAsync(DemoData.AdminEmail, DemoData.Password)).AccessToken,
        "organizer" => async () => (await LoginAsync(DemoData.OrganizerEmail, DemoData.Password)).AccessToken,
        "attendee" => async () => (await LoginAsync(DemoData.AttendeeEmail, DemoData.Password)).AccessToken,
        "service" => () => ServiceTokenAsync(ResourceNames.BookingsApi),
        _ when who.StartsWith("organizer-", StringComparison.Ordinal) => () => NamedAccountTokenAsync(who, "organizer"),
        _ when who.StartsWith("attendee-", StringComparison.Ordinal) => () => NamedAccountTokenAsync(who, "attendee"),
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, "Unknown account name."),
    });

    /// <summary>Registers the account the first time; signs the same account in again when its token runs out.</summary>
    private async Task<string> NamedAccountTokenAsync(string who, string accountType)
    {
        if (!_accounts.TryGetValue(who, out var account))
        {
            account = await RegisterAsync(accountType);
            _accounts[who] = account;
            return account.AccessToken;
        }

        return (await LoginAsync(account.Email, account.Password)).AccessToken;
    }

    public async Task<Account> LoginAsync(string email, string password)
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        return await users.LoginAsync(email, password, Retry);
    }

    /// <summary>
    /// Registers a fresh account ("attendee" or "organizer") and signs it in. <paramref name="verified"/>: the demo admin marks
    /// its address verified, so it may book (needs seedDemoData); otherwise it is as new as a person who has not read the email yet.
    /// </summary>
    public async Task<Account> RegisterAsync(string accountType = "attendee", bool verified = true)
    {
        var admin = verified ? await _verifier.GetAsync("admin", async () => (await LoginAsync(DemoData.AdminEmail, DemoData.Password)).AccessToken) : null;
        using var users = CreateClient(ResourceNames.UsersApi);
        return await users.RegisterAsync(accountType, retry: Retry, verifiedBy: admin);
    }

    /// <summary>A service-identity token (OAuth2 client credentials) for one of the topology's clients.</summary>
    public async Task<string> ServiceTokenAsync(string clientId)
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        return await users.ServiceTokenAsync(clientId, await System.ClientSecretAsync(clientId), Retry);
    }

    /// <summary>An event on sale, created by <paramref name="organizer"/> (see <see cref="TokenAsync"/>); its id.</summary>
    public async Task<Guid> CreatePublishedEventAsync(NewEvent? newEvent = null, string organizer = "organizer")
    {
        using var events = await AsAsync(ResourceNames.EventsApi, organizer);
        return await events.CreatePublishedEventAsync(newEvent, Retry);
    }

    public async ValueTask DisposeAsync()
    {
        if (System is not null)
        {
            await System.DisposeAsync();
        }

        _tokens.Dispose();
        _verifier.Dispose();
        GC.SuppressFinalize(this);
    }
}
