using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Webhooks;

/// <summary>Resolves a webhook endpoint's host name (the system resolver; tests map names to the addresses they need).</summary>
public interface IWebhookHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class SystemWebhookHostResolver : IWebhookHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>An endpoint's address is one that server-side request forgery would use: refused before any connection.</summary>
public sealed class WebhookTargetRefusedException(string host) : Exception($"'{host}' resolves only to loopback, private, link-local or other non-public addresses.")
{
    public string Host { get; } = host;
}

/// <summary>
/// Opens webhook connections, and only to public addresses: the host is resolved here, every address is checked, and the
/// socket connects to an address that passed the check (so a name cannot resolve to a public address for the check and a
/// private one for the connection). Loopback, private (RFC 1918, unique local), link-local, carrier-grade NAT, multicast,
/// unspecified and reserved ranges are refused unless <see cref="WebhookOptions.AllowPrivateTargets"/> is set.
/// </summary>
public sealed class WebhookConnector(IWebhookHostResolver resolver, IOptions<WebhookOptions> options)
{
    /// <summary>How a checked address is connected to (a test replaces it to see that a refused one never is).</summary>
    public Func<IPEndPoint, CancellationToken, ValueTask<Stream>> Connect { get; set; } = ConnectSocketAsync;

    public async ValueTask<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolver.ResolveAsync(host, cancellationToken);
        var allowed = addresses.Where(a => options.Value.AllowPrivateTargets || IsPublic(a)).ToList();
        if (allowed.Count == 0)
        {
            throw new WebhookTargetRefusedException(host);
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            try
            {
                return await Connect(new IPEndPoint(address, port), cancellationToken);
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>Whether <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 // this network, private, loopback, multicast and reserved
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata services live here)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))); // benchmarking
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) // documentation
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) // NAT64: may reach private IPv4
                || b[0] == 0x00); // ::/8 and other reserved low addresses
        }

        return false;
    }

    private static async ValueTask<Stream> ConnectSocketAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
