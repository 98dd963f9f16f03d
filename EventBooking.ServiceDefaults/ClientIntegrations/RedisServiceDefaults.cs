using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace EventBooking.ServiceDefaults;

/// <summary>Aspire's Redis client integration for the shared state of replicas (the AppHost's <c>cache</c> resource).</summary>
public static class RedisServiceDefaults
{
    /// <summary>The AppHost's Redis resource.</summary>
    public const string CacheConnectionName = "cache";

    /// <summary>Whether <c>ConnectionStrings:{connectionName}</c> is configured (the AppHost references Redis).</summary>
    public static bool HasRedis(this IHostApplicationBuilder builder, string connectionName = CacheConnectionName) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName));

    /// <summary>
    /// Aspire's <c>AddRedisClient</c> (one shared <c>IConnectionMultiplexer</c>, the Redis health check, tracing) set up so that the
    /// service starts while Redis is down: <c>AbortOnConnectFail = false</c>, so the multiplexer is created at once, reconnects by
    /// itself, and each command fails fast until Redis is back (and <c>/health</c> is Unhealthy meanwhile, unless
    /// <paramref name="healthCheck"/> is false: for a service that works on without Redis). Idempotent: each part of a service
    /// that needs Redis (cache coherence, revocation, rate limits, the SignalR backplane) asks for it, and they share the one
    /// connection; the first to ask decides whether it is health-checked.
    /// </summary>
    public static void AddRedisClientWithServiceDefaults(this IHostApplicationBuilder builder, string connectionName = CacheConnectionName, bool healthCheck = true)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(IConnectionMultiplexer) && d.ServiceKey is null))
        {
            return;
        }

        builder.AddRedisClient(connectionName, settings => settings.DisableHealthChecks = !healthCheck, options =>
        {
            options.AbortOnConnectFail = false;
            options.ClientName ??= builder.Environment.ApplicationName;
        });
    }
}
