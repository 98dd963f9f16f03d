using System.Net;
using System.Net.Sockets;

namespace EventBooking.AppHost;

/// <summary>
/// Free TCP ports on 127.0.0.1 for servers the AppHost (or a test) starts later. They are picked below the kernel's ephemeral
/// range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>): a port the kernel handed out for "any port" is handed out again to
/// outgoing connections and to the orchestrator's own endpoints, so between the pick and the server's bind it can be taken
/// (PostgreSQL then fails with "could not bind … Address already in use"). Random picks keep concurrent runs apart.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20_000;

    /// <summary>A port nothing listens on now, outside the ephemeral range.</summary>
    public static int Free()
    {
        var below = EphemeralStart();
        for (var attempt = 0; attempt < 200 && below > Lowest; attempt++)
        {
            var port = Random.Shared.Next(Lowest, below);
            if (IsFree(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
