using System.Net;
using System.Net.Sockets;
using System.Text;
using EventBooking.Testing;
using StackExchange.Redis;
using Xunit;

namespace EventBooking.AppHost.Tests;

/// <summary>The AppHost's Redis (<c>cache</c>) on its own: healthy, loopback only, password required, data kept across a restart.</summary>
public sealed class CacheTests
{
    [Fact]
    public async Task The_cache_becomes_healthy_requires_its_password_listens_on_loopback_and_keeps_its_data_across_a_restart()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var system = await SystemUnderTest.StartAsync(new SystemUnderTestOptions { Resources = [ResourceNames.Cache] }, cancellationToken);
        var instance = Assert.Single(system.Instances(ResourceNames.Cache));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, instance.Health);

        var connectionString = await system.ConnectionStringAsync(ResourceNames.Cache, cancellationToken);
        var options = ConfigurationOptions.Parse(connectionString);
        var endpoint = Assert.IsType<IPEndPoint>(Assert.Single(options.EndPoints));
        Assert.True(IPAddress.IsLoopback(endpoint.Address), $"{endpoint} is not a loopback address");
        Assert.False(string.IsNullOrEmpty(options.Password), "the cache has a password");

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(connectionString))
        {
            await redis.GetDatabase().StringSetAsync("apphost-test:marker", "kept");
        }

        // Without the password Redis answers nothing but NOAUTH. Asked on a bare connection (RESP by hand): a client library
        // without the password fails its own handshake first, with an error that names NOAUTH or not depending on timing.
        using (var anonymous = new TcpClient())
        {
            await anonymous.ConnectAsync(endpoint, cancellationToken);
            var stream = anonymous.GetStream();
            await stream.WriteAsync("*2\r\n$3\r\nGET\r\n$19\r\napphost-test:marker\r\n"u8.ToArray(), cancellationToken);
            var reply = await new StreamReader(stream, Encoding.ASCII).ReadLineAsync(cancellationToken);
            Assert.StartsWith("-NOAUTH", reply, StringComparison.Ordinal);
        }

        // A graceful stop and a start: the append-only file brings the data back.
        await system.StopAsync(ResourceNames.Cache, cancellationToken);
        await system.StartAsync(ResourceNames.Cache, cancellationToken: cancellationToken);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(connectionString))
        {
            Assert.Equal("kept", (string?)await redis.GetDatabase().StringGetAsync("apphost-test:marker"));
        }
    }
}
