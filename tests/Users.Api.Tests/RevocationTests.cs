using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using EventBooking.Testing;
using StackExchange.Redis;
using Users.Api.Infrastructure;
using Xunit;

namespace Users.Api.Tests;

/// <summary>users-api and a validating service that both follow revocations through a real Redis (the AppHost's <c>cache</c>).</summary>
public sealed class RedisUsersPlatform(PostgresFixture postgres, RabbitMqFixture rabbitMq) : UsersPlatform(postgres, rabbitMq)
{
    public RedisFixture Redis { get; } = new();

    public IReadOnlyDictionary<string, string?> RedisSettings => new Dictionary<string, string?> { ["ConnectionStrings:cache"] = Redis.Server.ConnectionString };

    protected override IReadOnlyDictionary<string, string?> Settings => RedisSettings;

    public override async ValueTask InitializeAsync()
    {
        await Redis.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string?> ValidatorSettings => Settings;
}

/// <summary>
/// What users-api does when it ends a session: the access token is refused by users-api at once and by another service
/// through Redis within the staleness bound; the revocation is kept in Redis for the token lifetime + skew; refresh-token
/// reuse revokes too; and with Redis down a sign-out is answered 503 (then recorded on retry) while sign-in keeps working.
/// </summary>
public sealed class RevocationTests(RedisUsersPlatform platform) : IClassFixture<RedisUsersPlatform>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logout_refuses_the_token_in_users_api_at_once_and_in_another_service_through_Redis()
    {
        var (_, session) = await platform.NewSessionAsync();
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", session.AccessToken));

        using (var logout = await platform.PostJsonAsync("/api/users/logout", $$"""{"refreshToken":"{{session.RefreshToken}}"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        using (var me = await platform.Client(session.AccessToken).GetAsync("/api/users/me", Cancel))
        {
            using var problem = await Helpers.AssertProblemAsync(me, HttpStatusCode.Unauthorized);
            Assert.Equal("session-revoked", problem.RootElement.GetProperty("code").GetString());
            Assert.Contains("invalid_token", me.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        await Poll.UntilAsync(async () => await platform.Validator.StatusAsync("/user", session.AccessToken) == HttpStatusCode.Unauthorized,
            RevokedSessions.StalenessBound, "the other service refuses the token", Cancel);
        TestContext.Current.SendDiagnosticMessage($"refused by the other service {clock.Elapsed.TotalMilliseconds:0} ms after the logout answered");

        // Kept as long as a token issued just before could still validate: lifetime (10 min) + 30 s skew.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(platform.Redis.Server.ConnectionString);
        var sid = ReadSessionId(session.AccessToken);
        var until = await redis.GetDatabase().SortedSetScoreAsync(RevocationChannel.SetKey, sid.ToString("N"));
        Assert.NotNull(until);
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds((long)until.Value) - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10.5));
    }

    [Fact]
    public async Task Refresh_token_reuse_revokes_the_sessions_access_tokens()
    {
        var (_, session) = await platform.NewSessionAsync();
        using (var first = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var refreshed = await first.Content.ReadFromJsonAsync<TokenResponse>(Cancel);
            Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", refreshed!.AccessToken));

            // The spent token again: someone holds a copy. Every token of the session stops working.
            using var reuse = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""");
            Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
            await Poll.UntilAsync(async () => await platform.Validator.StatusAsync("/user", refreshed.AccessToken) == HttpStatusCode.Unauthorized,
                RevokedSessions.StalenessBound, "the refreshed token is refused", Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", session.AccessToken));
        }
    }

    [Fact]
    public async Task With_Redis_down_user_tokens_get_503_sign_in_works_and_a_sign_out_is_503_until_it_can_be_recorded()
    {
        var (user, session) = await platform.NewSessionAsync();
        var serviceToken = await platform.ServiceTokenAsync();
        await platform.Redis.Server.StopAsync(Cancel);
        try
        {
            await Poll.UntilAsync(async () => await platform.Validator.StatusAsync("/user", session.AccessToken) == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(10), "the other service stops trusting end-user tokens", Cancel);
            // Each process's view ages from its own last heartbeat: users-api's may be a heartbeat behind the other's.
            using var client = platform.Client(session.AccessToken);
            var me = await Poll.ForAsync(async () =>
            {
                var response = await client.GetAsync("/api/users/me", Cancel);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    return response;
                }

                response.Dispose();
                return null;
            }, TimeSpan.FromSeconds(10), "users-api stops trusting end-user tokens", Cancel);
            using (me)
            {
                using var problem = await Helpers.AssertProblemAsync(me, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("revocation-unavailable", problem.RootElement.GetProperty("code").GetString());
                Assert.NotNull(me.Headers.RetryAfter);
            }

            Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/internal", serviceToken));
            var again = await platform.LoginAsync(user.Email);

            // users-api cannot tell the other services: not reported done.
            using var logout = await platform.PostJsonAsync("/api/users/logout", $$"""{"refreshToken":"{{again.RefreshToken}}"}""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, logout.StatusCode);
            session = again;
        }
        finally
        {
            await platform.Redis.Server.RestartAsync(Cancel);
        }

        // The retry records it: the token is refused everywhere, not just until someone restarts.
        await Poll.UntilAsync(async () =>
        {
            using var retry = await platform.PostJsonAsync("/api/users/logout", $$"""{"refreshToken":"{{session.RefreshToken}}"}""");
            return retry.StatusCode == HttpStatusCode.NoContent;
        }, TimeSpan.FromSeconds(30), "the sign-out can be recorded again", Cancel);
        await Poll.UntilAsync(async () => await platform.Validator.StatusAsync("/user", session.AccessToken) == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(30), "the signed-out token is refused once Redis is back", Cancel);
        await ValidatorServesAgainAsync();
    }

    [Fact]
    public async Task A_service_whose_view_is_stale_reads_each_session_from_Redis_instead_of_refusing_everyone()
    {
        // A service whose heartbeat never comes back in time, as in a process starved of CPU during a sale rush: without its
        // monitor, its view is never current. Redis is fine, so people must be served, and a sign-out must still count.
        await using var starved = await ValidatingService.StartAsync(platform.Api.BaseAddress, platform.RedisSettings,
            services => services.Remove(services.Single(d => d.ImplementationType == typeof(RevocationMonitor))));
        var (_, session) = await platform.NewSessionAsync();
        Assert.Equal(HttpStatusCode.OK, await starved.StatusAsync("/user", session.AccessToken));

        using (var logout = await platform.PostJsonAsync("/api/users/logout", $$"""{"refreshToken":"{{session.RefreshToken}}"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        // No heartbeat, no announcement reached this view: the set in Redis says so, at once.
        using (var refused = await starved.GetAsync("/user", session.AccessToken))
        {
            using var problem = await Helpers.AssertProblemAsync(refused, HttpStatusCode.Unauthorized);
            Assert.Equal("session-revoked", problem.RootElement.GetProperty("code").GetString());
        }

        var (_, other) = await platform.NewSessionAsync();
        Assert.Equal(HttpStatusCode.OK, await starved.StatusAsync("/user", other.AccessToken));
        await platform.Redis.Server.StopAsync(Cancel);
        try
        {
            // Now it cannot tell: fail closed, promptly (within the lookup's timeout, not the client's).
            var clock = Stopwatch.StartNew();
            using var unknown = await starved.GetAsync("/user", other.AccessToken);
            using var problem = await Helpers.AssertProblemAsync(unknown, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("revocation-unavailable", problem.RootElement.GetProperty("code").GetString());
            TestContext.Current.SendDiagnosticMessage($"503 {clock.Elapsed.TotalMilliseconds:0} ms after asking with Redis stopped");
        }
        finally
        {
            await platform.Redis.Server.RestartAsync(Cancel);
        }

        await Poll.UntilAsync(async () => await starved.StatusAsync("/user", other.AccessToken) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "served again once Redis answers", Cancel);
        await ValidatorServesAgainAsync();
    }

    /// <summary>
    /// Ends a test that stopped Redis. A signed-out token refused does not mean the class's validating service is current again:
    /// a view still stale can refuse it from the revocation it already holds, and fail closed (503) for a new session for a
    /// few hundred milliseconds more while its Redis connections come back. The next test must not start inside that window.
    /// </summary>
    private async Task ValidatorServesAgainAsync()
    {
        var (_, fresh) = await platform.NewSessionAsync();
        await Poll.UntilAsync(async () => await platform.Validator.StatusAsync("/user", fresh.AccessToken) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the validating service serves a new session once Redis is back", Cancel);
    }

    private static Guid ReadSessionId(string accessToken) =>
        Guid.Parse(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(accessToken).GetPayloadValue<string>("sid"));
}
