using EventBooking.AppHost;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>Thousands of requests racing for the seats of one event (I1, I3, I4, I5), against two replicas of every API (scale-out).</summary>
[Collection(SystemCollection.Name)]
public sealed class RushTests(SystemFixture fixture)
{
    public const string SoakVariable = "EVENTBOOKING_SOAK";

    public static bool Soak => Environment.GetEnvironmentVariable(SoakVariable) == "1";

    [Fact]
    public async Task A_thousand_attempts_from_two_hundred_clients_over_two_replicas_for_150_seats_never_oversell_and_lose_nothing()
    {
        foreach (var service in new[] { ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi })
        {
            Assert.Equal(2, fixture.System.Instances(service).Count);
        }

        var plan = new RushPlan(Attempts: 1000, Clients: 200, Buyers: 20, Capacity: 150);
        var (eventId, result) = await Rush.RunAsync(fixture, plan);
        await Rush.AssertAsync(fixture, eventId, result, plan);
        await Invariants.ReconciledAsync(fixture);
    }

    [Fact]
    public async Task Soak_ten_thousand_attempts_from_four_hundred_clients()
    {
        Assert.SkipUnless(Soak, $"Soak variant: set {SoakVariable}=1 to run it (10,000 attempts, 400 clients, 1,500 seats).");
        var plan = new RushPlan(Attempts: 10_000, Clients: 400, Buyers: 40, Capacity: 1500);
        var (eventId, result) = await Rush.RunAsync(fixture, plan);
        await Rush.AssertAsync(fixture, eventId, result, plan);
        await Invariants.ReconciledAsync(fixture);
    }
}
