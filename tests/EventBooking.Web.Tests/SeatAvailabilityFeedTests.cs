using EventBooking.Web.Clients;
using EventBooking.Web.Components.Seating;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// <see cref="SeatAvailabilityFeed"/> over <see cref="StubApi"/>: pickers of one event share one read per interval, each gets
/// every new version (and the newest known at once when it joins), and the reads stop when the last picker closes.
/// </summary>
public sealed class SeatAvailabilityFeedTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Pickers_of_one_event_share_its_reads_each_sees_every_new_version_and_the_reads_stop_with_the_last()
    {
        var eventId = Guid.CreateVersion7();
        var path = $"/api/events/{eventId}/seating/availability";
        var api = new StubApi().Ok(path, new { version = 1, unavailable = Array.Empty<string>() });
        using var feed = new SeatAvailabilityFeed(() => new EventsClient(api.Client()), Interval, NullLogger<SeatAvailabilityFeed>.Instance);
        var first = new List<long>();
        var second = new List<long>();
        Task Record(List<long> seen, SeatAvailabilityDto a)
        {
            lock (seen)
            {
                seen.Add(a.Version);
            }

            return Task.CompletedTask;
        }

        var one = feed.Subscribe(eventId, a => Record(first, a));
        await WaitForAsync(() => Seen(first).Contains(1));
        // The second picker gets the newest version at once, not after the next read.
        var two = feed.Subscribe(eventId, a => Record(second, a));
        await WaitForAsync(() => Seen(second).Contains(1));

        api.Ok(path, new { version = 2, unavailable = new[] { "stalls-A-1" } });
        await WaitForAsync(() => Seen(first).Contains(2) && Seen(second).Contains(2));
        Assert.Equal([1, 2], Seen(first));
        Assert.Equal([1, 2], Seen(second));
        // One read of the event for both pickers.
        Assert.Equal(1, feed.Watched);

        one.Dispose();
        two.Dispose();
        Assert.Equal(0, feed.Watched);
        await Task.Delay(Interval * 3, TestContext.Current.CancellationToken);
        var stopped = Reads(api, path);
        await Task.Delay(Interval * 5, TestContext.Current.CancellationToken);
        Assert.Equal(stopped, Reads(api, path));
    }

    [Fact]
    public async Task A_picker_that_fails_does_not_hold_up_the_others()
    {
        var eventId = Guid.CreateVersion7();
        var api = new StubApi().Ok($"/api/events/{eventId}/seating/availability", new { version = 5, unavailable = Array.Empty<string>() });
        using var feed = new SeatAvailabilityFeed(() => new EventsClient(api.Client()), Interval, NullLogger<SeatAvailabilityFeed>.Instance);
        using var broken = feed.Subscribe(eventId, _ => throw new ObjectDisposedException("circuit"));
        var seen = new List<long>();
        using var working = feed.Subscribe(eventId, a =>
        {
            lock (seen)
            {
                seen.Add(a.Version);
            }

            return Task.CompletedTask;
        });
        await WaitForAsync(() => Seen(seen).Contains(5));
    }

    private static List<long> Seen(List<long> seen)
    {
        lock (seen)
        {
            return [.. seen];
        }
    }

    private static int Reads(StubApi api, string path) => api.Requests.Count(r => r == $"GET {path}");

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the feed did not deliver in time");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
