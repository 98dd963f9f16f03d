using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Xunit.v3;

namespace EventBooking.Security.Tests;

/// <summary>A signed-in person and the loopback address their requests come from.</summary>
public sealed record Actor(string Name, Account Account, IPAddress Source)
{
    public Guid Id => Account.UserId;
    public string Email => Account.Email;
    public string Password => Account.Password;
    public string AccessToken => Account.AccessToken;
    public string RefreshToken => Account.RefreshToken;
}

/// <summary>
/// The whole system (users-api, events-api, bookings-api, notifications-api, web) started from the AppHost, on real
/// PostgreSQL, RabbitMQ and SMTP, with the production rate limits for sign-in and registration (Development raises them).
/// Every actor gets its own loopback source address (127.0.x.y), because users-api limits per client address.
/// </summary>
public sealed class SecurityFixture() : TopologyFixture(seedDemoData: true), IAsyncLifetime, IAsyncDisposable
{
    public const string Password = Accounts.DefaultPassword;
    private static int _nextSource = 256;

    public Actor AttendeeA { get; private set; } = null!;
    public Actor AttendeeB { get; private set; } = null!;
    public Actor OrganizerA { get; private set; } = null!;
    public Actor OrganizerB { get; private set; } = null!;
    public Actor Admin { get; private set; } = null!;
    public string ServiceToken { get; private set; } = null!;

    /// <summary>Each API token's limit in this suite (production: 600), so that the limit test reaches it quickly.</summary>
    public const int ApiTokenRequestsPerMinute = 40;

    protected override void Configure(Dictionary<string, string?> environment)
    {
        // users-api's production defaults (appsettings.json), which appsettings.Development.json raises for other suites.
        environment["Users__LoginRateLimit__PermitLimit"] = "10";
        environment["Users__LoginRateLimit__Window"] = "00:01:00";
        environment["Users__RegisterRateLimit__PermitLimit"] = "10";
        environment["Users__RegisterRateLimit__Window"] = "00:01:00";
        environment["ApiTokens__RequestsPerMinute"] = ApiTokenRequestsPerMinute.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
    }

    public new async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var started = await Task.WhenAll(
            NewUserAsync("attendee", "attendee-a"), NewUserAsync("attendee", "attendee-b"),
            NewUserAsync("organizer", "organizer-a"), NewUserAsync("organizer", "organizer-b"));
        (AttendeeA, AttendeeB, OrganizerA, OrganizerB) = (started[0], started[1], started[2], started[3]);
        Admin = await LoginAsync("admin", DemoData.AdminEmail, DemoData.Password, NextSource());
        ServiceToken = await ServiceTokenAsync(ResourceNames.BookingsApi);
    }

    /// <summary>A fresh loopback address: 127.0.1.0, 127.0.1.1, … (127.0.0.1 stays the services' own).</summary>
    public static IPAddress NextSource()
    {
        var n = Interlocked.Increment(ref _nextSource);
        return new IPAddress([127, 0, (byte)(n / 256 % 256), (byte)(n % 256)]);
    }

    /// <summary>A client of one service whose connections come from <paramref name="source"/> (a fresh address when null).</summary>
    public HttpClient Client(string service, string? token = null, IPAddress? source = null)
    {
        var from = source ?? NextSource();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // The service's own address, not the orchestrator's proxy in front of it: the proxy would hide the actor's source address.
        return new HttpClient(handler) { BaseAddress = System.ReplicaUrls(service)[0], Timeout = TimeSpan.FromSeconds(100) }.SignedIn(token);
    }

    public HttpClient As(Actor actor, string service) => Client(service, actor.AccessToken, actor.Source);

    /// <summary>Registers a new account (its own source address) and signs it in.</summary>
    public async Task<Actor> NewUserAsync(string accountType, string name)
    {
        var source = NextSource();
        using var users = Client(ResourceNames.UsersApi, source: source);
        return new Actor(name, await users.RegisterAsync(accountType, name, verifiedBy: await TokenAsync("admin")), source);
    }

    public async Task<Actor> LoginAsync(string name, string email, string password, IPAddress source)
    {
        using var users = Client(ResourceNames.UsersApi, source: source);
        return new Actor(name, await users.LoginAsync(email, password), source);
    }

    public new async ValueTask DisposeAsync()
    {
        var summary = Hostile.Summary();
        Console.WriteLine(summary);
        TestLog.Write("security", summary);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "security-summary.txt"), summary + Environment.NewLine);
        await base.DisposeAsync();
    }
}

/// <summary>Counts the hostile inputs the suite sends, per kind, for the summary line.</summary>
public static class Hostile
{
    private static readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);

    public static void Count(string kind, int n = 1) => Counts.AddOrUpdate(kind, n, (_, c) => c + n);

    public static int Total => Counts.Values.Sum();

    public static string Summary() =>
        $"SECURITY SUMMARY: {Total} hostile inputs ({string.Join(", ", Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"))})";
}

/// <summary>Writes the running count of hostile inputs into each test's output (so the TRX report and detailed output carry it).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ReportHostileInputsAttribute : BeforeAfterTestAttribute
{
    public override void After(System.Reflection.MethodInfo methodUnderTest, Xunit.v3.IXunitTest test) =>
        TestContext.Current.TestOutputHelper?.WriteLine(Hostile.Summary());
}
