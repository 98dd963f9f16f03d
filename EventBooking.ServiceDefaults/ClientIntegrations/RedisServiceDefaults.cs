using Microsoft.Extensions.Configuration;
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
    /// itself, and each command fails fast until Redis is back (and <c>/health</c> is Unhealthy meanwhile). Called again (token
    /// revocation and a service's own use both need Redis), it keeps the first registration.
    /// </summary>
    public static void AddRedisClientWithServiceDefaults(this IHostApplicationBuilder builder, string connectionName = CacheConnectionName)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(IConnectionMultiplexer)))
        {
            return;
        }

        builder.AddRedisClient(connectionName, configureOptions: options =>
        {
            options.AbortOnConnectFail = false;
            options.ClientName ??= builder.Environment.ApplicationName;
        });
    }
}
