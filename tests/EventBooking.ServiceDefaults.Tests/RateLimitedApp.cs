using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

/// <summary>
/// One replica of an API as users-api and bookings-api set up their limits (AddApiDefaults, AddSharedRateLimits, a policy per
/// user or address, 429 problems with Retry-After), on real Kestrel. <c>GET /limited</c> answers the client address it saw.
/// A request's user is named by the test header <see cref="UserHeader"/> (a stand-in for a validated token's <c>sub</c>).
/// </summary>
public sealed class RateLimitedApp : IAsyncDisposable
{
    public const string UserHeader = "X-Test-User";

    private readonly WebApplication _app;

    private RateLimitedApp(WebApplication app, Uri url, string policy)
    {
        _app = app;
        Url = url;
        Policy = policy;
    }

    public Uri Url { get; }

    /// <summary>The limit's policy name: its own per app unless replicas are meant to share it (tests share one Redis).</summary>
    public string Policy { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="redis">The cache connection string; null: no Redis configured.</param>
    public static async Task<RateLimitedApp> StartAsync(string? redis, int permitLimit, Dictionary<string, string?>? settings = null, string? policy = null)
    {
        policy ??= $"test-{Guid.NewGuid():N}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = redis,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Logging.ClearProviders();
        builder.AddApiDefaults();
        builder.Services.AddAuthentication(TestUser.Name).AddScheme<AuthenticationSchemeOptions, TestUser>(TestUser.Name, null);
        builder.Services.AddAuthorization();
        builder.AddSharedRateLimits();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(policy, context =>
                SharedRateLimits.PerUserOrAddress(context, policy, new RateLimitWindow(permitLimit, TimeSpan.FromMinutes(10))));
            options.OnRejected = async (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.For(new Error("too-many-requests", ErrorKind.TooMany, "Too many requests.")).ExecuteAsync(context.HttpContext);
            };
        });

        var app = builder.Build();
        app.UseApiDefaults();
        app.MapGet("/limited", (HttpContext context) => context.Connection.RemoteIpAddress?.ToString()).RequireRateLimiting(policy);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RateLimitedApp(app, new Uri(address), policy);
    }

    /// <summary><c>GET /limited</c>, as <paramref name="user"/> when given, with the extra headers given.</summary>
    public async Task<HttpResponseMessage> GetAsync(string? user = null, params (string Name, string Value)[] headers)
    {
        using var client = new HttpClient { BaseAddress = Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/limited");
        if (user is not null)
        {
            request.Headers.Add(UserHeader, user);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Signs in whoever <see cref="UserHeader"/> names, with that name as <c>sub</c>.</summary>
    private sealed class TestUser(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers[UserHeader].ToString() is not { Length: > 0 } user)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(IdentityClaims.Subject, user)], Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}

/// <summary>Reading the answers of <see cref="RateLimitedApp"/>.</summary>
public static class RateLimitedAnswers
{
    public static bool IsRefused(this HttpResponseMessage response) => response.StatusCode == System.Net.HttpStatusCode.TooManyRequests;

    /// <summary>A 429 as every API answers it: a problem with a positive Retry-After.</summary>
    public static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("application/problem+json").MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero, "Retry-After must say when to retry");
        Assert.Contains("too-many-requests", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public static async Task<string> AddressAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
