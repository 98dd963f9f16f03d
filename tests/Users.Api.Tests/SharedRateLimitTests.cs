using System.Net;
using System.Net.Http.Json;
using EventBooking.Testing;
using Xunit;

namespace Users.Api.Tests;

/// <summary>
/// Two users-api replicas over one database and one Redis (the AppHost's <c>cache</c>), trusting the web's forwarded address as
/// the AppHost sets them up: the forwarding secret, loopback as the web's network. Tiny limits (3 in 10 minutes).
/// </summary>
public sealed class ReplicatedUsersPlatform(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    public const string ForwardingSecret = "forwarding-secret-0123456789abcdef";

    private readonly RedisFixture _redis = new();

    public UsersApiFactory First { get; private set; } = null!;
    public UsersApiFactory Second { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        var connectionString = await postgres.CreateDatabaseAsync("users_replicated");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = _redis.Server.ConnectionString,
            ["Forwarding:Secret"] = ForwardingSecret,
            ["Forwarding:KnownNetworks:0"] = "127.0.0.0/8",
            ["Users:LoginRateLimit:PermitLimit"] = "3",
            ["Users:LoginRateLimit:Window"] = "00:10:00",
            ["Users:RegisterRateLimit:PermitLimit"] = "3",
            ["Users:RegisterRateLimit:Window"] = "00:10:00",
        };
        First = new UsersApiFactory(connectionString, rabbitMq.Server.ConnectionString, settings);
        First.Start();
        Second = new UsersApiFactory(connectionString, rabbitMq.Server.ConnectionString, settings);
        Second.Start();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in new[] { First, Second })
        {
            if (replica is not null)
            {
                await replica.DisposeAsync();
            }
        }

        await _redis.DisposeAsync();
    }
}

public sealed class SharedRateLimitTests(ReplicatedUsersPlatform platform) : IClassFixture<ReplicatedUsersPlatform>
{
    [Fact]
    public async Task Two_replicas_let_one_address_register_three_times_in_all_not_three_times_each()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await SendAsync(i % 2 == 0 ? platform.First : platform.Second, "/api/users/register",
                new { email = Helpers.NewEmail("replicas"), password = Helpers.Password, displayName = "Replica" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Helpers.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
                Assert.True(response.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(10));
            }
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Behind_the_web_each_person_signs_in_on_their_own_budget_and_a_forged_address_gets_none_of_it()
    {
        var flooder = $"203.0.113.{Random.Shared.Next(1, 120)}";
        var bystander = $"198.51.100.{Random.Shared.Next(1, 120)}";
        var login = new { email = Helpers.NewEmail("nobody"), password = "Wrong-Password-1" };

        // The web forwards the flooder's sign-ins, alternately through both replicas: 3 are heard, then 429.
        for (var i = 0; i < 3; i++)
        {
            using var heard = await SendAsync(i % 2 == 0 ? platform.First : platform.Second, "/api/users/login", login, ViaTheWeb(flooder));
            Assert.Equal(HttpStatusCode.Unauthorized, heard.StatusCode);
        }

        using (var limited = await SendAsync(platform.Second, "/api/users/login", login, ViaTheWeb(flooder)))
        {
            await Helpers.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        }

        // Someone else behind the same web (same connection address) is not locked out.
        using (var other = await SendAsync(platform.First, "/api/users/login", login, ViaTheWeb(bystander)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        }

        // A local process without the secret claims to be the bystander: it is counted as itself (loopback), and its
        // fourth attempt is refused however many addresses it makes up...
        for (var i = 0; i < 4; i++)
        {
            using var forged = await SendAsync(platform.First, "/api/users/login", login, [("X-Forwarded-For", i == 0 ? bystander : $"192.0.2.{i}")]);
            Assert.Equal(i < 3 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, forged.StatusCode);
        }

        // ...while the bystander's own budget is untouched by it: two more sign-ins through the web are heard (3 in all).
        for (var i = 0; i < 2; i++)
        {
            using var again = await SendAsync(platform.Second, "/api/users/login", login, ViaTheWeb(bystander));
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }
    }

    /// <summary>What the web's ClientAddressHandler adds: the person's address and the forwarding secret.</summary>
    private static (string Name, string Value)[] ViaTheWeb(string address) =>
        [("X-Forwarded-For", address), (TrustedForwarding.SecretHeader, ReplicatedUsersPlatform.ForwardingSecret)];

    private static async Task<HttpResponseMessage> SendAsync(UsersApiFactory replica, string path, object body, (string Name, string Value)[]? headers = null)
    {
        using var client = replica.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
