using System.Net;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Users.Api.Tests;

/// <summary>Its own users-api with tiny limits (the other suites raise theirs through configuration).</summary>
public sealed class RateLimitedPlatform(PostgresFixture postgres, RabbitMqFixture rabbitMq) : UsersPlatform(postgres, rabbitMq)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Users:LoginRateLimit:PermitLimit"] = "3",
        ["Users:LoginRateLimit:Window"] = "00:10:00",
        ["Users:RegisterRateLimit:PermitLimit"] = "2",
        ["Users:RegisterRateLimit:Window"] = "00:10:00",
    };
}

public sealed class RateLimitTests(RateLimitedPlatform platform) : IClassFixture<RateLimitedPlatform>
{
    [Fact]
    public async Task LoginAndRegisterAnswer429WithRetryAfterPastTheLimit()
    {
        var user = await platform.RegisterAsync();
        await platform.RegisterAsync();
        var count = await platform.Api.InScopeAsync(db => db.Users.CountAsync(TestContext.Current.CancellationToken));
        using (var third = await platform.PostJsonAsync("/api/users/register",
                   $$"""{"email":"{{Helpers.NewEmail()}}","password":"{{Helpers.Password}}","displayName":"Third"}"""))
        {
            await Helpers.AssertProblemAsync(third, HttpStatusCode.TooManyRequests);
            Assert.True(third.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero, "Retry-After must be set");
        }

        Assert.Equal(count, await platform.Api.InScopeAsync(db => db.Users.CountAsync(TestContext.Current.CancellationToken)));

        for (var i = 0; i < 3; i++)
        {
            using var attempt = await platform.PostLoginAsync(user.Email, i == 0 ? Helpers.Password : "Wrong-Password-1");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, attempt.StatusCode);
        }

        using var limited = await platform.PostLoginAsync(user.Email, Helpers.Password);
        await Helpers.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero && delay <= TimeSpan.FromMinutes(10));
    }
}
