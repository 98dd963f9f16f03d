using System.Globalization;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using EventBooking.Messaging;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Users.Api.Apis;
using Users.Api.Infrastructure;
using Users.Api.Model;

namespace Users.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddNpgsqlDbContextWithServiceDefaults<UsersDbContext>("usersdb");
        services.AddMigration<UsersDbContext>(UsersSeeder.SeedAsync);

        services.AddOptions<TokenIssuingOptions>().BindConfiguration(TokenIssuingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Signing keys' private halves are protected with Data Protection, whose key ring lives in usersdb too.
        services.AddDataProtection()
            .SetApplicationName("EventBooking.Users.Api")
            .PersistKeysToDbContext<UsersDbContext>();

        // PBKDF2 with HMAC-SHA512 (Identity V3 format), 210,000 iterations or more.
        services.AddOptions<PasswordHasherOptions>().Configure<IOptions<AccountOptions>>((hasher, account) =>
        {
            hasher.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            hasher.IterationCount = account.Value.PasswordHashIterations;
        });
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<PasswordService>();

        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<LocalTokenConfiguration>();
        services.AddSingleton<AccessTokenRevocation>();
        services.AddScoped<SessionService>();
        services.AddScoped<AccountLinks>();

        // Verification and reset links leave through the outbox, in the transaction that stores their hashes. The rows hold
        // the raw tokens until relayed, so sent rows are purged after an hour instead of the library's week.
        builder.AddEventBus("messaging", "users-api")
            .AddOutbox<UsersDbContext>(outbox => outbox.RetainSentFor = TimeSpan.FromHours(1));
        services.AddHostedService<SigningKeyRotationService>();

        // Every service validates tokens the same way; users-api reads its keys locally instead of over HTTP.
        builder.AddDefaultAuthentication();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<LocalTokenConfiguration>((options, configuration) => options.ConfigurationManager = configuration);

        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(options =>
        {
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        // Counted in Redis for every replica; per person (the address the web forwards, or the caller's own) when signing in.
        builder.AddSharedRateLimits();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(UsersApi.LoginRateLimit, context => Limit(context, o => o.LoginRateLimit, UsersApi.LoginRateLimit));
            options.AddPolicy(UsersApi.RegisterRateLimit, context => Limit(context, o => o.RegisterRateLimit, UsersApi.RegisterRateLimit));
            options.AddPolicy(ConnectApi.TokenRateLimit, context => Limit(context, o => o.TokenRateLimit, ConnectApi.TokenRateLimit));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.For(new Error("too-many-requests", ErrorKind.TooMany, $"Try again in {seconds} seconds."))
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }

    /// <summary>A shared fixed window per policy and user, service or client address; limits come from <see cref="AccountOptions"/>.</summary>
    private static RateLimitPartition<string> Limit(HttpContext context, Func<AccountOptions, RateLimitRule> rule, string policy)
    {
        var limit = rule(context.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value);
        return SharedRateLimits.PerUserOrAddress(context, policy, new RateLimitWindow(limit.PermitLimit, limit.Window));
    }
}
