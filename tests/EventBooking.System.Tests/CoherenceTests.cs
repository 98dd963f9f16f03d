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
    public async Task While_redis_is_down_every_replica_serves_the_catalog_and_a_change_either_reaches_all_or_is_refused()
    {
        var (id, word, replicas) = await CachedEverywhereAsync();
        using var organizer = fixture.CreateClient(ResourceNames.EventsApi, await fixture.TokenAsync("organizer"), replica: 0);
        await fixture.System.KillAsync(ResourceNames.Cache, Ct);
        fixture.Figures.AddFault();
        try
        {
            // For up to 1 s after Redis goes, revocation still trusts its view and a change may go through, though no replica
            // can be told of it: each noticed the lost connection, dropped its catalog cache and keeps entries 1 s, so all serve
            // it within the bound. Later, revocation fails closed: the change is refused and nothing changes.
            using var answer = await organizer.PostAsJsonAsync($"/api/events/{id}/cancel", new { reason = "Coherence test" }, Ct);
            var clock = Stopwatch.StartNew();
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                await EveryReplicaAsync(replicas, id, word, "Cancelled", listed: false);
                TestContext.Current.TestOutputHelper?.WriteLine($"with Redis down, an accepted cancellation was served by every replica after {clock.Elapsed.TotalMilliseconds:0} ms");
            }
            else
            {
                var problem = await answer.ReadJsonAsync(HttpStatusCode.ServiceUnavailable, Ct);
                Assert.Equal("revocation-unavailable", problem.GetProperty("code").GetString());
                await EveryReplicaAsync(replicas, id, word, "Published", listed: true);
                TestContext.Current.TestOutputHelper?.WriteLine("with Redis down, the cancellation was refused (503) and every replica still serves the event");
            }
        }
        finally
        {
            await fixture.System.StartAsync(ResourceNames.Cache, cancellationToken: Ct);
            Dispose(replicas);
        }

        // Once Redis is back, changes travel through it again (entries live their full durations once more).
        await fixture.EveryApiTrustsTokensAgainAsync(Ct);
        await ChangeSeenEverywhereAsync();
    }

    /// <summary>
    /// Publishes an event, has every replica cache its detail and a search page that lists it, cancels it through replica 0,
    /// then waits until every replica serves the cancellation in both; the time from the cancellation's answer.
    /// </summary>
    private async Task<TimeSpan> ChangeSeenEverywhereAsync()
    {
        var (id, word, replicas) = await CachedEverywhereAsync();
        try
        {
            using (var organizer = fixture.CreateClient(ResourceNames.EventsApi, await fixture.TokenAsync("organizer"), replica: 0))
            {
                // Right after Redis comes back, revocation may still answer 503 until its view is fresh again (Retry-After: 1).
                await Poll.UntilAsync(async () =>
                {
                    using var cancelled = await organizer.PostAsJsonAsync($"/api/events/{id}/cancel", new { reason = "Coherence test" }, Ct);
                    if (cancelled.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        return false;
                    }

                    await cancelled.ReadJsonAsync(HttpStatusCode.OK, Ct);
                    return true;
                }, Patience, "the cancellation is accepted", Ct);
            }

            var clock = Stopwatch.StartNew();
            await EveryReplicaAsync(replicas, id, word, "Cancelled", listed: false);
            return clock.Elapsed;
        }
        finally
        {
            Dispose(replicas);
        }
    }

    /// <summary>A published event whose detail and search page every events-api replica has cached, and a client of each replica.</summary>
    private async Task<(Guid Id, string Word, HttpClient[] Replicas)> CachedEverywhereAsync()
    {
        var word = $"coherent{Guid.NewGuid():N}"[..24];
        var id = await fixture.CreatePublishedEventAsync(new NewEvent { Title = $"Cache {word} night" });
        var replicas = Enumerable.Range(0, fixture.Replicas).Select(r => fixture.CreateClient(ResourceNames.EventsApi, replica: r)).ToArray();
        await EveryReplicaAsync(replicas, id, word, "Published", listed: true);
        return (id, word, replicas);
    }

    private static Task EveryReplicaAsync(HttpClient[] replicas, Guid id, string word, string status, bool listed) =>
        Task.WhenAll(replicas.Select(replica => Poll.UntilAsync(
            async () => await StatusAsync(replica, id) == status && await ListedAsync(replica, word, id) == listed,
            Patience, $"every replica serves the event {status}{(listed ? " and lists it" : ", unlisted")}", Ct)));

    private static void Dispose(HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
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
