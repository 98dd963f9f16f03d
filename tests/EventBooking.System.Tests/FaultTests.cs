using EventBooking.AppHost;
using EventBooking.Testing;
using Npgsql;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// A smaller rush with one fault injected a third of the way in. Afterwards: reconciliation ok, no confirmed booking without
/// its tickets or its notification, no hold past its expiry, every email delivered.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FaultTests(SystemFixture fixture)
{
    /// <summary>How long a fault lasts while the rush goes on (the fault's shape, not a wait for async work).</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);

    private static RushPlan Plan(Func<Task> fault) => new(Attempts: 120, Clients: 30, Buyers: 5, Capacity: 40) { Fault = fault };

    [Fact]
    public async Task RabbitMq_killed_and_restarted_during_a_rush()
    {
        await RunAsync(async () =>
        {
            await fixture.System.KillAsync(ResourceNames.Messaging);
            await Task.Delay(Outage);
            await fixture.System.StartAsync(ResourceNames.Messaging);
        });
    }

    private static readonly string[] Apis = [ResourceNames.BookingsApi, ResourceNames.EventsApi, ResourceNames.NotificationsApi, ResourceNames.UsersApi];

    [Fact]
    public async Task Every_api_process_killed_at_once_and_restarted_during_a_rush()
    {
        await RunAsync(() => KillAndRestartAsync(Apis));
    }

    /// <summary>One API at a time (both replicas): soak only, the test above covers every API within CI's budget.</summary>
    [Theory]
    [InlineData(ResourceNames.BookingsApi)]
    [InlineData(ResourceNames.EventsApi)]
    [InlineData(ResourceNames.NotificationsApi)]
    [InlineData(ResourceNames.UsersApi)]
    public async Task One_api_killed_and_restarted_during_a_rush(string service)
    {
        Assert.SkipUnless(RushTests.Soak, $"Soak variant: set {RushTests.SoakVariable}=1 to kill each API on its own (every API is killed together above).");
        await RunAsync(() => KillAndRestartAsync([service]));
    }

    private async Task KillAndRestartAsync(IReadOnlyList<string> services)
    {
        await Task.WhenAll(services.Select(service => fixture.System.KillAsync(service)));
        await Task.Delay(Outage);
        // Back in the AppHost's start order (users-api first: the others fetch its keys), each wave's replicas together.
        // Several .NET processes starting at once on a small, busy machine need more than the default 60 s.
        foreach (var wave in services.GroupBy(StartWave).OrderBy(wave => wave.Key))
        {
            await Task.WhenAll(wave.Select(service => fixture.System.StartAsync(service, TimeSpan.FromMinutes(3))));
        }
    }

    private static int StartWave(string service) => service switch
    {
        ResourceNames.UsersApi => 0,
        ResourceNames.EventsApi => 1,
        _ => 2,
    };

    [Fact]
    public async Task PostgreSql_restarted_during_a_rush()
    {
        await RunAsync(async () =>
        {
            await fixture.System.StopAsync(ResourceNames.Postgres);
            await Task.Delay(Outage);
            await fixture.System.StartAsync(ResourceNames.Postgres);
            NpgsqlConnection.ClearAllPools();
        });
    }

    /// <summary>
    /// Redis holds no booking state: with it gone for a while the rush still sells every seat once and loses nothing. What
    /// degrades meanwhile: catalog entries live 1 s (CoherenceTests), the web's sessions and live push wait for it.
    /// </summary>
    [Fact]
    public async Task Redis_killed_and_restarted_during_a_rush()
    {
        await RunAsync(async () =>
        {
            await fixture.System.KillAsync(ResourceNames.Cache);
            await Task.Delay(Outage);
            await fixture.System.StartAsync(ResourceNames.Cache);
        });
        await fixture.EveryApiTrustsTokensAgainAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Smtp_down_during_a_rush_then_every_email_is_delivered_once_it_is_back()
    {
        await fixture.System.StopAsync(ResourceNames.Smtp, TestContext.Current.CancellationToken);
        fixture.Figures.AddFault();
        Guid eventId;
        RushResult result;
        var plan = new RushPlan(Attempts: 80, Clients: 20, Buyers: 4, Capacity: 30);
        try
        {
            (eventId, result) = await Rush.RunAsync(fixture, plan);

            // Notifications are stored while SMTP is down; their emails wait (none can be sent).
            await using var notifications = await fixture.OpenDatabaseAsync(ResourceNames.NotificationsDb);
            await Poll.UntilAsync(async () => await CountAsync(notifications, eventId, "Pending") > 0,
                TimeSpan.FromMinutes(2), "confirmation emails queue up while SMTP is down", TestContext.Current.CancellationToken);
            Assert.Equal(0, await CountAsync(notifications, eventId, "Sent"));
        }
        finally
        {
            await fixture.System.StartAsync(ResourceNames.Smtp, cancellationToken: TestContext.Current.CancellationToken);
        }

        await Rush.AssertAsync(fixture, eventId, result, plan);
        await Invariants.ReconciledAsync(fixture);
    }

    private async Task RunAsync(Func<Task> fault)
    {
        var plan = Plan(async () =>
        {
            fixture.Figures.AddFault();
            await fault();
        });
        var (eventId, result) = await Rush.RunAsync(fixture, plan);
        await Rush.AssertAsync(fixture, eventId, result, plan);
        await Invariants.ReconciledAsync(fixture);
    }

    private static async Task<int> CountAsync(NpgsqlConnection connection, Guid eventId, string emailStatus)
    {
        await using var command = new NpgsqlCommand(
            """SELECT count(*)::int FROM notifications WHERE "Kind" = 'booking-confirmed' AND "EventId" = $1 AND "EmailStatus" = $2""", connection)
        {
            Parameters = { new() { Value = eventId }, new() { Value = emailStatus } },
        };
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
