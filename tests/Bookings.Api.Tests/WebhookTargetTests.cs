using System.Net;
using Bookings.Api.Webhooks;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Tests;

/// <summary>
/// Server-side request forgery: names that resolve to loopback, private, link-local or other non-public addresses are refused
/// before any connection is attempted. No packet leaves this process: names resolve through a test resolver, and the
/// connection step is a spy that records the address and never opens a socket.
/// </summary>
public sealed class WebhookTargetTests
{
    private static readonly Dictionary<string, IPAddress[]> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["metadata.test"] = [IPAddress.Parse("169.254.169.254")],
        ["intranet.test"] = [IPAddress.Parse("10.1.2.3")],
        ["office.test"] = [IPAddress.Parse("192.168.1.20")],
        ["docker.test"] = [IPAddress.Parse("172.17.0.2")],
        ["cgnat.test"] = [IPAddress.Parse("100.64.0.1")],
        ["self.test"] = [IPAddress.Parse("127.0.0.1")],
        ["zero.test"] = [IPAddress.Parse("0.0.0.0")],
        ["v6-loopback.test"] = [IPAddress.IPv6Loopback],
        ["v6-link-local.test"] = [IPAddress.Parse("fe80::1")],
        ["v6-unique-local.test"] = [IPAddress.Parse("fd12:3456::1")],
        ["v4-mapped.test"] = [IPAddress.Parse("::ffff:10.0.0.7")],
        ["nat64.test"] = [IPAddress.Parse("64:ff9b::a00:1")],
        ["multicast.test"] = [IPAddress.Parse("224.0.0.1")],
        ["all-private.test"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("192.168.0.1")],
        ["public.test"] = [IPAddress.Parse("93.184.216.34")],
        ["half-public.test"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("93.184.216.34")],
    };

    public static TheoryData<string> PrivateHosts => new(Names.Keys.Where(n => !n.Contains("public", StringComparison.Ordinal))
        .Concat(["169.254.169.254", "127.0.0.1", "[::1]", "10.0.0.1"]));

    [Theory]
    [MemberData(nameof(PrivateHosts))]
    public async Task A_host_that_resolves_only_to_non_public_addresses_is_refused_before_any_connection(string host)
    {
        var (connector, attempts) = Connector(allowPrivate: false);
        var refused = await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => connector.ConnectAsync(host, 443, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(host, refused.Host);
        Assert.Empty(attempts);
    }

    [Fact]
    public async Task A_public_address_is_connected_to_exactly_as_checked_and_a_private_one_beside_it_never()
    {
        var (connector, attempts) = Connector(allowPrivate: false);
        await Assert.ThrowsAsync<IOException>(() => connector.ConnectAsync("half-public.test", 443, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal([new IPEndPoint(IPAddress.Parse("93.184.216.34"), 443)], attempts);
    }

    [Fact]
    public async Task The_development_setting_lets_receivers_on_this_machine_through()
    {
        var (connector, attempts) = Connector(allowPrivate: true);
        await Assert.ThrowsAsync<IOException>(() => connector.ConnectAsync("self.test", 8080, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 8080)], attempts);
    }

    [Fact]
    public async Task A_delivery_to_a_forbidden_target_is_recorded_as_failed_with_the_reason_and_no_connection()
    {
        var (connector, attempts) = Connector(allowPrivate: false);
        using var sender = new WebhookSender(connector, Options.Create(new WebhookOptions()));
        var (endpoint, _) = WebhookEndpoint.Create(Guid.CreateVersion7(), new Uri("http://metadata.test/latest/meta-data/"), null,
            [WebhookEventTypes.BookingConfirmed], DateTimeOffset.UtcNow);
        var delivery = WebhookDelivery.Create(endpoint.Id, Guid.CreateVersion7(), WebhookEventTypes.Test, "{}", DateTimeOffset.UtcNow);

        var result = await sender.SendAsync(endpoint, delivery, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Null(result.StatusCode);
        Assert.Contains("non-public", result.Error, StringComparison.Ordinal);
        Assert.Empty(attempts);
    }

    private static (WebhookConnector Connector, List<IPEndPoint> Attempts) Connector(bool allowPrivate)
    {
        var attempts = new List<IPEndPoint>();
        var connector = new WebhookConnector(new TestResolver(), Options.Create(new WebhookOptions { AllowPrivateTargets = allowPrivate }))
        {
            Connect = (endPoint, _) =>
            {
                attempts.Add(endPoint);
                throw new IOException("The test never opens a socket.");
            },
        };
        return (connector, attempts);
    }

    private sealed class TestResolver : IWebhookHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new InvalidOperationException($"The test resolver does not know '{host}'.");
    }
}
