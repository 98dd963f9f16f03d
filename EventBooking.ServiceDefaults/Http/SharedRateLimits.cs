using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// Rate limits that mean what they say: counted once for all replicas (<see cref="SharedFixedWindowRateLimiter"/>), per user where
/// the request's token names one and per client address where not (the forwarded address when the web forwarded it, see
/// <see cref="TrustedForwarding"/>), so behind the web one person's flood uses that person's budget, not everyone's.
/// </summary>
public static class SharedRateLimits
{
    /// <summary>
    /// Registers the shared counters, and Aspire's Redis client when <c>ConnectionStrings:cache</c> is set and no other part of
    /// the service registered one. Its health check is left out: Redis being down degrades limits to per-replica counting, it
    /// does not make the service unfit to serve, so it must not take the service out of rotation.
    /// </summary>
    public static IHostApplicationBuilder AddSharedRateLimits(this IHostApplicationBuilder builder)
    {
        if (builder.HasRedis())
        {
            builder.AddRedisClientWithServiceDefaults(healthCheck: false);
        }

        builder.Services.AddOptions<SharedRateLimitOptions>().BindConfiguration(SharedRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SharedRateLimitCounters>();
        return builder;
    }

    /// <summary>
    /// The partition of <paramref name="context"/> under <paramref name="policy"/>: <c>user:{sub}</c> for a user's token,
    /// <c>client:{client_id}</c> for a service's, <c>address:{ip}</c> for an anonymous request.
    /// </summary>
    public static RateLimitPartition<string> PerUserOrAddress(HttpContext context, string policy, RateLimitWindow limit)
    {
        var key = $"{policy}:{Who(context)}";
        var counters = context.RequestServices.GetRequiredService<SharedRateLimitCounters>();
        return RateLimitPartition.Get(key, partition => new SharedFixedWindowRateLimiter(counters, partition, limit));
    }

    private static string Who(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            if (user.IsServiceIdentity())
            {
                return "client:" + user.FindFirstValue(IdentityClaims.ClientId);
            }

            if (user.FindFirstValue(IdentityClaims.Subject) is { Length: > 0 } subject)
            {
                return "user:" + subject;
            }
        }

        var address = context.Connection.RemoteIpAddress;
        return "address:" + ((address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString() ?? "unknown");
    }
}
