using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using EventBooking.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Users.Api.Infrastructure;
using Xunit;

namespace Users.Api.Tests;

/// <summary>
/// users-api itself, on real Kestrel (real HTTP) over a fresh PostgreSQL database, publishing to a real RabbitMQ node (nothing
/// consumes there: the account emails' events stay readable in the outbox, as what would be mailed).
/// </summary>
public sealed class UsersApiFactory(string connectionString, string messaging, IReadOnlyDictionary<string, string?> settings,
    Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<Program>
{
    public const string BookingsClientSecret = "bookings-secret-0123456789abcdef";
    public const string EventsClientSecret = "events-secret-0123456789abcdef01";

    public ShiftedTime Clock { get; } = new();

    /// <summary>The service's database (for tests that check what it stored).</summary>
    public string ConnectionString => connectionString;

    public Uri BaseAddress { get; private set; } = null!;

    public void Start()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:usersdb", connectionString);
        builder.UseSetting("ConnectionStrings:messaging", messaging);
        builder.UseSetting("Identity:Clients:bookings-api:Secret", BookingsClientSecret);
        builder.UseSetting("Identity:Clients:events-api:Secret", EventsClientSecret);
        builder.UseSetting("EventBooking:SeedDemoData", "true");
        builder.UseSetting("Users:LoginRateLimit:PermitLimit", "100000");
        builder.UseSetting("Users:RegisterRateLimit:PermitLimit", "100000");
        builder.UseSetting("Users:TokenRateLimit:PermitLimit", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Nothing consumes the account events here: the relay retrying them is expected.
        builder.UseSetting("Logging:LogLevel:EventBooking.Messaging", "Error");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            configureServices?.Invoke(services);
        });
    }

    public async Task<T> InScopeAsync<T>(Func<UsersDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<UsersDbContext>());
    }
}

/// <summary>
/// Another service that validates users-api's tokens exactly as events/bookings/notifications do: AddServiceDefaults()
/// + AddDefaultAuthentication() with the authority pointing at users-api, one endpoint behind each policy.
/// </summary>
public sealed class ValidatingService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ValidatingService(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <param name="settings">More configuration (e.g. <c>ConnectionStrings:cache</c>, to follow revocations through Redis).</param>
    /// <param name="services">Changes to the service's registrations (e.g. taking its revocation monitor away).</param>
    public static async Task<ValidatingService> StartAsync(Uri authority, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Identity:Authority"] = authority.ToString().TrimEnd('/'),
            ["Identity:MetadataRefreshInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddServiceDefaults();
        builder.AddDefaultAuthentication();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseStatusCodePages();
        foreach (var (path, policy) in new[]
                 {
                     ("/user", Policies.User), ("/organizer", Policies.Organizer), ("/admin", Policies.Admin),
                     ("/internal", Policies.Internal), ("/admin-or-internal", Policies.AdminOrInternal),
                 })
        {
            app.MapGet(path, (ClaimsPrincipal user) => Results.Ok(new WhoAmI(
                user.FindFirstValue(IdentityClaims.Subject), user.UserId(), user.FindAll(IdentityClaims.Role).Select(c => c.Value).ToList(),
                user.IsServiceIdentity()))).RequireAuthorization(policy);
        }

        await app.StartAsync();
        var address = app.Urls.First();
        return new ValidatingService(app, new Uri(address));
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    public async Task<System.Net.HttpStatusCode> StatusAsync(string path, string? token)
    {
        using var response = await GetAsync(path, token);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record WhoAmI(string? Subject, Guid? UserId, List<string> Roles, bool IsService);

/// <summary>users-api plus a validating service over a fresh database: one per test class.</summary>
public class UsersPlatform(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    public UsersApiFactory Api { get; private set; } = null!;
    public ValidatingService Validator { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual IReadOnlyDictionary<string, string?> ValidatorSettings => new Dictionary<string, string?>();

    /// <summary>Services a derived platform adds to users-api (after the test clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async ValueTask InitializeAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("users");
        Api = new UsersApiFactory(connectionString, rabbitMq.Server.ConnectionString, Settings, ConfigureServices);
        Api.Start();
        Validator = await ValidatingService.StartAsync(Api.BaseAddress, ValidatorSettings);
    }

    public HttpClient Client(string? token = null)
    {
        var client = Api.Client();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Validator is not null)
        {
            await Validator.DisposeAsync();
        }

        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
