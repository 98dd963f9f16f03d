using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Payments;
using EventBooking.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bookings.Api.Tests;

/// <summary>
/// bookings-api in-process over a fresh database of the shared real PostgreSQL server. Tokens are signed by a test RSA
/// key in users-api's format; RabbitMQ is a real node; events-api is <see cref="FakeInventory"/> (the topology tests run the real one).
/// </summary>
public class BookingsApiFactory(PostgresFixture postgres, RabbitMqFixture rabbitMq) : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test" };
    // At least 25 characters: PostgresFixture.CreateDatabaseAsync cuts the name at prefix + 40 characters, which
    // overruns shorter names (noted for the fixture's owner).
    private const string DatabasePrefix = "bookings_api_tests_database";
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = "";

    public ShiftedTime Time { get; } = new();

    /// <summary>The test database's connection string (set once the factory is initialised).</summary>
    public string ConnectionString => _connectionString;

    public FakeInventory Inventory => Services.GetRequiredService<FakeInventory>();

    public UnreachableGateway Gateway => Services.GetRequiredService<UnreachableGateway>();

    public virtual async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync(DatabasePrefix);
        // Kestrel, not the in-memory test server: the request-body limit (Http:MaxRequestBodyBytes) is Kestrel's, as in production.
        UseKestrel(0);
        _ = Services; // start the host (migrations run)
    }

    public new virtual async ValueTask DisposeAsync() => await base.DisposeAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:bookingsdb", _connectionString);
        builder.UseSetting("ConnectionStrings:messaging", rabbitMq.Server.ConnectionString);
        // Each test class's instance gets its own queue on the shared broker, or they would compete for messages.
        builder.UseSetting("EventBus:ServiceName", "bookings-api-test-" + _instance);
        builder.UseSetting("Identity:Authority", "http://users-api.invalid");
        builder.UseSetting("Identity:ClientId", "bookings-api");
        builder.UseSetting("Identity:ClientSecret", "test-secret");
        builder.UseSetting("Bookings:RunBackgroundWorkers", "false");
        builder.UseSetting("Bookings:ReconcileAfter", "00:00:00");
        ConfigureMore(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<FakeInventory>();
            services.RemoveAll<IInventoryClient>();
            services.AddSingleton<IInventoryClient>(sp => sp.GetRequiredService<FakeInventory>());
            services.RemoveAll<IPaymentGateway>();
            services.AddSingleton<SimulatedPaymentGateway>();
            services.AddSingleton<UnreachableGateway>();
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<UnreachableGateway>());
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = IdentityClaims.DefaultIssuer };
                configuration.SigningKeys.Add(_key);
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            });
        });
    }

    /// <summary>Settings a derived factory adds (applied after the ones above).</summary>
    protected virtual void ConfigureMore(IWebHostBuilder builder)
    {
    }

    /// <summary>A user token as users-api issues it for an account whose address is verified.</summary>
    public string Token(Guid userId, params string[] roles) => Token(userId, emailVerified: true, roles);

    public string Token(Guid userId, bool emailVerified, params string[] roles) => Token(userId, emailVerified, locale: null, roles);

    /// <summary>An attendee whose profile names <paramref name="locale"/> as their language (users-api's <c>locale</c> claim).</summary>
    public HttpClient ClientSpeaking(Guid userId, string locale) => WithToken(Token(userId, emailVerified: true, locale, ["attendee"]));

    private string Token(Guid userId, bool emailVerified, string? locale, string[] roles)
    {
        var claims = new Dictionary<string, object>
        {
            [IdentityClaims.Subject] = userId.ToString(),
            [IdentityClaims.Email] = $"{userId:N}@example.com",
            [IdentityClaims.Name] = "Test " + userId.ToString()[..8],
            [IdentityClaims.Role] = roles.Length == 0 ? ["attendee"] : roles,
            [IdentityClaims.SessionId] = Guid.CreateVersion7().ToString(),
            [EmailVerification.Claim] = emailVerified,
        };
        if (locale is not null)
        {
            claims[IdentityClaims.Locale] = locale;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IdentityClaims.DefaultIssuer,
            Audience = IdentityClaims.Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(15),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public string ServiceToken() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = IdentityClaims.DefaultIssuer,
        Audience = IdentityClaims.Audience,
        Claims = new Dictionary<string, object>
        {
            [IdentityClaims.Subject] = "notifications-api",
            [IdentityClaims.ClientId] = "notifications-api",
            [IdentityClaims.Scope] = IdentityClaims.InternalScope,
        },
        Expires = DateTime.UtcNow.AddMinutes(15),
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
    });

    public HttpClient ClientFor(Guid userId, params string[] roles) => WithToken(Token(userId, roles));

    public HttpClient WithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public Task<T> DbAsync<T>(Func<BookingsDbContext, Task<T>> query) =>
        InScopeAsync(sp => query(sp.GetRequiredService<BookingsDbContext>()));
}
