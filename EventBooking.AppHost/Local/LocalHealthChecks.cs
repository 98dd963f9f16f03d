using System.Runtime.Versioning;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventBooking.AppHost.Local;

[SupportedOSPlatform("linux")]
internal static class LocalHealthChecks
{
    /// <summary>Healthy once something accepts TCP connections on 127.0.0.1:<paramref name="port"/> (for servers without a protocol check).</summary>
    public static IResourceBuilder<T> WithTcpHealthCheck<T>(this IResourceBuilder<T> builder, int port) where T : IResource
    {
        var key = $"{builder.Resource.Name}_tcp_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(key, async cancellationToken =>
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException ex)
            {
                return HealthCheckResult.Unhealthy($"Nothing listens on 127.0.0.1:{port}.", ex);
            }
        });
        return builder.WithHealthCheck(key);
    }
}
