using System.Diagnostics;
using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

/// <summary>
/// What limits do while Redis is away: they fail open to a limit counted by each replica (sign-in and purchases keep working,
/// floods are still refused), without waiting on Redis, and are shared again once it is back. Its own Redis: it is stopped.
/// </summary>
public sealed class RedisOutageTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Without_redis_each_replica_counts_its_own_window_and_redis_back_shares_it_again()
    {
        await using var app = await RateLimitedApp.StartAsync(redis.Server.ConnectionString, permitLimit: 3);
        var counters = app.Services.GetRequiredService<SharedRateLimitCounters>();
        var user = $"outage-{Guid.NewGuid():N}";
        using (var shared = await app.GetAsync(user))
        {
            Assert.False(shared.IsRefused());
        }

        await redis.Server.StopAsync(TestContext.Current.CancellationToken);
        try
        {
            await Poll.UntilAsync(() => !counters.Available, TimeSpan.FromSeconds(30), "the client sees Redis gone", TestContext.Current.CancellationToken);

            // The replica's own window starts empty: 3 let through, then 429 with Retry-After, and no request waits on Redis.
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 3; i++)
            {
                using var local = await app.GetAsync(user);
                Assert.False(local.IsRefused(), $"request {i + 1} of 3 is within the replica's own limit");
            }

            using (var refused = await app.GetAsync(user))
            {
                await RateLimitedAnswers.AssertRefusedAsync(refused);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"4 requests took {watch.Elapsed.TotalMilliseconds:0} ms with Redis down");
        }
        finally
        {
            await redis.Server.RestartAsync(TestContext.Current.CancellationToken);
        }

        // Redis back: another user is counted there again (the window in Redis, not the replica's).
        await Poll.UntilAsync(() => counters.Available, TimeSpan.FromSeconds(60), "the client reconnects to Redis", TestContext.Current.CancellationToken);
        var next = $"back-{Guid.NewGuid():N}";
        using (await app.GetAsync(next))
        {
        }

        Assert.Equal(2, (await counters.CountAsync($"{app.Policy}:user:{next}", 1, TimeSpan.FromMinutes(10), TestContext.Current.CancellationToken))?.Count);
    }

    [Fact]
    public async Task A_replica_that_never_reaches_redis_starts_and_limits_on_its_own()
    {
        // A port nobody listens on: the multiplexer never connects (AbortOnConnectFail=false lets the service start).
        await using var app = await RateLimitedApp.StartAsync($"127.0.0.1:{EventBooking.AppHost.LoopbackPorts.Free()}", permitLimit: 2);
        var user = $"never-{Guid.NewGuid():N}";
        using (var first = await app.GetAsync(user))
        {
            Assert.False(first.IsRefused());
        }

        using (var second = await app.GetAsync(user))
        {
            Assert.False(second.IsRefused());
        }

        using var third = await app.GetAsync(user);
        await RateLimitedAnswers.AssertRefusedAsync(third);
    }

    [Fact]
    public async Task A_redis_that_answers_late_is_not_asked_again_until_the_pause_is_over()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // The service's own client; it waits for answers longer than the stall below lasts.
        var options = ConfigurationOptions.Parse(redis.Server.ConnectionString);
        options.AsyncTimeout = 30_000;
        await using var client = await ConnectionMultiplexer.ConnectAsync(options);
        var admin = ConfigurationOptions.Parse(redis.Server.ConnectionString);
        admin.AllowAdmin = true;
        await using var adminClient = await ConnectionMultiplexer.ConnectAsync(admin);
        var clock = new ShiftedTime();
        var log = new RecordingLogger<SharedRateLimitCounters>();
        var counters = new SharedRateLimitCounters(new ServiceCollection().AddSingleton<IConnectionMultiplexer>(client).BuildServiceProvider(),
            Options.Create(new SharedRateLimitOptions { RedisTimeout = TimeSpan.FromMilliseconds(200), RedisRetryAfter = TimeSpan.FromMinutes(1) }),
            clock, log);
        var key = $"late-{Guid.NewGuid():N}";
        var window = TimeSpan.FromMinutes(10);
        Assert.Equal(1, (await counters.CountAsync(key, 1, window, cancellationToken))?.Count);

        // Redis stalls (every client's commands wait 3 s): the next request waits the timeout, then counts on its own.
        await adminClient.GetServer(adminClient.GetEndPoints()[0]).ExecuteAsync("CLIENT", "PAUSE", 3000);
        Assert.Null(await counters.CountAsync(key, 1, window, cancellationToken));

        // Still connected, but not asked meanwhile: the request after it does not wait, and sends nothing.
        Assert.True(client.IsConnected);
        Assert.False(counters.Available);
        Assert.Null(await counters.CountAsync(key, 1, window, cancellationToken));

        // Once Redis answers again, it holds the late request's count (it did arrive) and not the one counted locally.
        await client.GetDatabase().PingAsync();
        Assert.Equal(2, (long)await adminClient.GetDatabase().StringGetAsync(SharedRateLimitCounters.KeyPrefix + key));
        Assert.False(counters.Available);

        // After the pause, Redis is asked again and counts as before. One warning for the episode, one line when it ends.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(counters.Available);
        Assert.Equal(3, (await counters.CountAsync(key, 1, window, cancellationToken))?.Count);
        Assert.Equal([LogLevel.Warning, LogLevel.Information], log.Entries.Select(e => e.Level));
    }
}
