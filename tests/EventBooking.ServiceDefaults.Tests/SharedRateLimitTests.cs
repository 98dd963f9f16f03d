using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

/// <summary>Limits counted in a real Redis (the AppHost's <c>cache</c>) by replicas of an API, per user or client address.</summary>
public sealed class SharedRateLimitTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string Secret = "forwarding-secret-0123456789abcdef";

    [Fact]
    public async Task Two_replicas_sharing_redis_let_the_limit_through_once_not_twice()
    {
        await using var first = await RateLimitedApp.StartAsync(redis.Server.ConnectionString, permitLimit: 4);
        await using var second = await RateLimitedApp.StartAsync(redis.Server.ConnectionString, permitLimit: 4, policy: first.Policy);
        var user = NewName("replicas");

        var let = 0;
        for (var i = 0; i < 10; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).GetAsync(user);
            if (response.IsRefused())
            {
                await RateLimitedAnswers.AssertRefusedAsync(response);
            }
            else
            {
                let++;
            }
        }

        Assert.Equal(4, let);
        Assert.True(await first.Services.GetRequiredService<SharedRateLimitCounters>().CountAsync("probe", 0, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken) is not null,
            "the counters must have been Redis's, not each replica's own");
    }

    [Fact]
    public async Task One_users_flood_does_not_lock_out_another_user_or_anonymous_callers()
    {
        await using var app = await RateLimitedApp.StartAsync(redis.Server.ConnectionString, permitLimit: 3);
        var flooder = NewName("flooder");
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await app.GetAsync(flooder);
            Assert.False(allowed.IsRefused(), $"request {i + 1} of 3 is within the limit");
        }

        using (var refused = await app.GetAsync(flooder))
        {
            await RateLimitedAnswers.AssertRefusedAsync(refused);
        }

        // Same address (loopback), other people: a user's budget is their own, not the address's.
        using var other = await app.GetAsync(NewName("other"));
        Assert.False(other.IsRefused());
        using var anonymous = await app.GetAsync();
        Assert.False(anonymous.IsRefused());
    }

    [Fact]
    public async Task A_forged_forwarded_address_is_ignored_and_the_webs_is_honoured()
    {
        await using var app = await RateLimitedApp.StartAsync(redis.Server.ConnectionString, permitLimit: 3,
            new() { ["Forwarding:Secret"] = Secret, ["Forwarding:KnownNetworks:0"] = "127.0.0.0/8" });

        // Anyone else on the host: its X-Forwarded-For is dropped, with no secret or a wrong one.
        using (var forged = await app.GetAsync(null, ("X-Forwarded-For", "203.0.113.7")))
        {
            Assert.Equal("127.0.0.1", await RateLimitedAnswers.AddressAsync(forged));
        }

        using (var wrongSecret = await app.GetAsync(null, ("X-Forwarded-For", "203.0.113.7"), (TrustedForwarding.SecretHeader, Secret + "x")))
        {
            Assert.Equal("127.0.0.1", await RateLimitedAnswers.AddressAsync(wrongSecret));
        }

        // The web (the secret, from a known network): the person's address is the client's.
        var person = $"198.51.100.{Random.Shared.Next(1, 250)}";
        using (var forwarded = await app.GetAsync(null, ("X-Forwarded-For", person), (TrustedForwarding.SecretHeader, Secret)))
        {
            Assert.Equal(person, await RateLimitedAnswers.AddressAsync(forwarded));
        }

        // Forging a new address per request does not escape the caller's own limit (3, two used above).
        var refused = false;
        for (var i = 0; i < 5 && !refused; i++)
        {
            using var response = await app.GetAsync(null, ("X-Forwarded-For", $"203.0.113.{i + 10}"));
            refused = response.IsRefused();
        }

        Assert.True(refused, "a caller that rotates forged X-Forwarded-For addresses is still limited by its own address");

        // The web forwarding other people is not limited by that caller's flood.
        using var someoneElse = await app.GetAsync(null, ("X-Forwarded-For", "198.51.100.251"), (TrustedForwarding.SecretHeader, Secret));
        Assert.Equal("198.51.100.251", await RateLimitedAnswers.AddressAsync(someoneElse));
    }

    [Fact]
    public async Task The_secret_from_outside_the_known_networks_is_not_enough()
    {
        await using var app = await RateLimitedApp.StartAsync(redis.Server.ConnectionString, permitLimit: 100,
            new() { ["Forwarding:Secret"] = Secret, ["Forwarding:KnownNetworks:0"] = "10.0.0.0/8" });

        using var response = await app.GetAsync(null, ("X-Forwarded-For", "198.51.100.9"), (TrustedForwarding.SecretHeader, Secret));
        Assert.Equal("127.0.0.1", await RateLimitedAnswers.AddressAsync(response));
    }

    [Fact]
    public async Task Counts_live_in_redis_under_the_policy_and_partition_and_expire_with_the_window()
    {
        await using var app = await RateLimitedApp.StartAsync(redis.Server.ConnectionString, permitLimit: 5);
        var user = NewName("keys");
        using (await app.GetAsync(user))
        {
        }

        using (await app.GetAsync(user))
        {
        }

        var database = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = $"{SharedRateLimitCounters.KeyPrefix}{app.Policy}:user:{user}";
        Assert.Equal(2, (long)await database.StringGetAsync(key));
        var ttl = await database.KeyTimeToLiveAsync(key);
        Assert.True(ttl is { } left && left > TimeSpan.FromMinutes(9) && left <= TimeSpan.FromMinutes(10), $"the key expires with its window ({ttl})");
    }

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
