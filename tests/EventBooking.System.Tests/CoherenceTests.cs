using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// The catalog caches of the two events-api replicas stay coherent: a change made through one replica is served by the other
/// within milliseconds (Redis pub/sub), and within a second while Redis is down (entries then live 1 s). The topology keeps
/// details and pages cached for a minute (<see cref="SystemTopology"/>), so a replica that missed a change would serve the old
/// answer for the whole of this test's patience.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CoherenceTests(SystemFixture fixture)
{
    /// <summary>Far below the topology's cache durations (1 min) and far above the bound (1 s): how long a test waits.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_catalog_change_made_through_one_events_api_replica_is_served_by_every_replica_at_once()
    {
        var elapsed = await ChangeSeenEverywhereAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"a cancellation through replica 0 was served by every replica after {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task While_redis_is_down_a_catalog_change_is_still_served_by_every_replica_within_a_second()
    {
        // Each replica notices the lost connection (its catalog cache is dropped and new entries live 1 s)...
        await fixture.System.KillAsync(ResourceNames.Cache, Ct);
        fixture.Figures.AddFault();
        try
        {
            var elapsed = await ChangeSeenEverywhereAsync();
            TestContext.Current.TestOutputHelper?.WriteLine($"with Redis down, a cancellation was served by every replica after {elapsed.TotalMilliseconds:0} ms");
        }
        finally
        {
            await fixture.System.StartAsync(ResourceNames.Cache, cancellationToken: Ct);
        }

        // ...and once Redis is back, changes travel through it again (entries live their full durations once more).
        await ChangeSeenEverywhereAsync();
    }

    /// <summary>
    /// Publishes an event, has every replica cache its detail and a search page that lists it, cancels it through replica 0,
    /// then waits until every replica serves the cancellation in both; the time from the cancellation's answer.
    /// </summary>
    private async Task<TimeSpan> ChangeSeenEverywhereAsync()
    {
        var word = $"coherent{Guid.NewGuid():N}"[..24];
        var id = await fixture.CreatePublishedEventAsync(new NewEvent { Title = $"Cache {word} night" });
        var replicas = Enumerable.Range(0, fixture.Replicas).Select(r => fixture.CreateClient(ResourceNames.EventsApi, replica: r)).ToArray();
        try
        {
            foreach (var replica in replicas)
            {
                await Poll.UntilAsync(async () => await StatusAsync(replica, id) == "Published" && await ListedAsync(replica, word, id),
                    Patience, "every replica serves the published event");
            }

            using (var organizer = fixture.CreateClient(ResourceNames.EventsApi, await fixture.TokenAsync("organizer"), replica: 0))
            {
                using var cancelled = await organizer.PostAsJsonAsync($"/api/events/{id}/cancel", new { reason = "Coherence test" }, Ct);
                Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            }

            var clock = Stopwatch.StartNew();
            await Task.WhenAll(replicas.Select(replica => Poll.UntilAsync(
                async () => await StatusAsync(replica, id) == "Cancelled" && !await ListedAsync(replica, word, id),
                Patience, "every replica serves the cancellation", Ct)));
            return clock.Elapsed;
        }
        finally
        {
            foreach (var replica in replicas)
            {
                replica.Dispose();
            }
        }
    }

    private static async Task<string?> StatusAsync(HttpClient events, Guid id) =>
        (await events.GetFromJsonAsync<JsonElement>($"/api/events/{id}", Ct)).GetProperty("status").GetString();

    private static async Task<bool> ListedAsync(HttpClient events, string word, Guid id)
    {
        var page = await events.GetFromJsonAsync<JsonElement>($"/api/events?q={word}&pageSize=20", Ct);
        return page.GetProperty("items").EnumerateArray().Any(e => e.GetProperty("id").GetGuid() == id);
    }
}
