using EventBooking.LocalHost;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>The rush against two replicas of every API (clients and samplers spread over both): the same invariants.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class ScaleOutTests(ScaleOutFixture fixture)
{
    [Fact]
    public async Task The_rush_with_two_replicas_of_each_api_keeps_every_invariant()
    {
        Assert.Equal(2, fixture.Topology.Services[ResourceNames.BookingsApi].Count);
        Assert.Equal(2, fixture.Topology.Services[ResourceNames.EventsApi].Count);
        var plan = RushTests.Soak
            ? new RushPlan(Attempts: 5000, Clients: 400, Buyers: 40, Capacity: 750)
            : new RushPlan(Attempts: 600, Clients: 200, Buyers: 20, Capacity: 100);
        var (eventId, result) = await Rush.RunAsync(fixture, plan);
        await Rush.AssertAsync(fixture, eventId, result, plan);
        await Invariants.ReconciledAsync(fixture);
    }
}
