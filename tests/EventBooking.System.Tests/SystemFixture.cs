using EventBooking.AppHost;
using EventBooking.Testing;
using Npgsql;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// The whole system but the web (PostgreSQL, RabbitMQ, SMTP catcher, users-, events-, bookings- and notifications-api)
/// started once for the collection from the AppHost (<see cref="TopologyFixture"/>), demo users seeded, every service
/// exporting its telemetry to the Aspire dashboard (read back through its telemetry API). The suite drives the APIs over
/// HTTP, as the web's BFF does; its sign-ins and setup calls wait out services the fault tests restart.
/// </summary>
public abstract class SystemTopology(int replicas) : TopologyFixture(ResourceNames.Apis, replicas, seedDemoData: true, dashboard: true)
{
    /// <summary>Counters of what the suite did (reported by the tests' output).</summary>
    public Figures Figures { get; } = new();

    public override RetryPolicy Retry => RetryPolicy.WhileRestarting;

    protected override void Configure(Dictionary<string, string?> environment)
    {
        // Many buyers share a few accounts; the limits themselves are tested by the services' own suites.
        environment["Bookings__BookingRequestsPerMinute"] = "1000000";
        environment["Users__LoginRateLimit__PermitLimit"] = "100000";
        environment["Users__RegisterRateLimit__PermitLimit"] = "100000";
        environment["Users__TokenRateLimit__PermitLimit"] = "100000";
        // Background work settles quickly so quiescence comes soon after a fault.
        environment["Bookings__SweepInterval"] = "00:00:00.500";
        environment["Bookings__ReconcileAfter"] = "00:00:01";
        environment["Inventory__SweepInterval"] = "00:00:01";
        // Waiting-list offers last 30 s (production: 30 min), so an unanswered one moves on within a test.
        environment["Events__WaitingListOfferMinutes"] = "0.5";
        environment["Events__WaitingListInterval"] = "00:00:00.500";
        environment["Email__RetryBaseDelay"] = "00:00:01";
        environment["Email__RetryMaxDelay"] = "00:00:03";
        environment["Email__LeaseDuration"] = "00:00:10";
        // A webhook attempt cut short by a crash is made again 5 s after it was taken (production: 60 s).
        environment["Webhooks__Lease"] = "00:00:05";
        environment["Email__SmtpTimeout"] = "00:00:05";
        // Catalog entries live long enough that a replica which missed a change would be seen serving it (CoherenceTests).
        environment["Catalog__EventCacheDuration"] = "00:01:00";
        environment["Catalog__SearchCacheDuration"] = "00:01:00";
    }

    /// <summary>
    /// After a test brought Redis (the <c>cache</c>) back: waits until every replica of every API accepts an end-user token again
    /// (token revocation answers 503 until each process's view is fresh), so the next test starts on a settled system.
    /// </summary>
    public async Task EveryApiTrustsTokensAgainAsync(CancellationToken cancellationToken)
    {
        var token = await TokenAsync("organizer");
        (string Service, string Path)[] probes =
        [
            (ResourceNames.UsersApi, "/api/users/me"), (ResourceNames.EventsApi, "/api/organizers/me/events"),
            (ResourceNames.BookingsApi, "/api/bookings"), (ResourceNames.NotificationsApi, "/api/notifications/unread-count"),
        ];
        foreach (var (service, path) in probes)
        {
            for (var replica = 0; replica < Replicas; replica++)
            {
                using var client = CreateClient(service, token, replica);
                await Poll.UntilAsync(async () =>
                {
                    using var response = await client.GetAsync(path, cancellationToken);
                    return response.IsSuccessStatusCode;
                }, TimeSpan.FromMinutes(1), $"{service} replica {replica} accepts end-user tokens again", cancellationToken);
            }
        }
    }

    /// <summary>A connection to one of the topology's PostgreSQL databases (for read-only checks).</summary>
    public async Task<NpgsqlConnection> OpenDatabaseAsync(string database)
    {
        var connection = new NpgsqlConnection(await System.ConnectionStringAsync(database));
        await connection.OpenAsync();
        return connection;
    }
}

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
