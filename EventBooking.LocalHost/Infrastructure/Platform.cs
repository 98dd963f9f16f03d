using System.Net;
using System.Net.Sockets;

namespace EventBooking.LocalHost.Infrastructure;

/// <summary>Facts about the machine LocalHost runs on.</summary>
public static class Platform
{
    public static bool IsRoot => OperatingSystem.IsLinux() && ChildProcess.NativeMethods.GetEffectiveUserId() == 0;

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Finds an executable on PATH (or at one of the given absolute candidates).</summary>
    public static string? Which(string name, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var full = Path.Combine(directory, name);
            if (File.Exists(full))
            {
                return full;
            }
        }

        return null;
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:port.</summary>
    public static async Task WaitForPortAsync(int port, ChildProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited with code {process.ExitCode} before listening on port {port}:\n{process.RecentOutput}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{process.Name} did not listen on port {port} within {timeout.TotalSeconds:0} s:\n{process.RecentOutput}");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Runs a short command to completion and returns its output; throws with the output on failure.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null,
        bool throwOnError = true, CancellationToken cancellationToken = default)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout + await stderr;
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', startInfo.ArgumentList)}' failed with exit code {process.ExitCode}:\n{output}");
        }

        return output;
    }

    /// <summary>Wraps a command so it runs as <paramref name="user"/> when LocalHost runs as root.</summary>
    public static (string FileName, List<string> Arguments) AsUser(string? user, string fileName, IEnumerable<string> arguments)
    {
        if (user is null || !IsRoot)
        {
            return (fileName, arguments.ToList());
        }

        // setpriv execs the command in place (no intermediate process), so signals reach it directly.
        var setpriv = Which("setpriv", "/usr/bin/setpriv") ?? throw new PrerequisiteMissingException("setpriv (Debian package util-linux) is needed to run servers as their own user.");
        return (setpriv, ["--reuid", user, "--regid", user, "--init-groups", "--", fileName, .. arguments]);
    }

    /// <summary>chown -R, used when LocalHost runs as root and a server runs as its own user.</summary>
    public static async Task ChownAsync(string user, string path, CancellationToken cancellationToken)
    {
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", $"{user}:{user}", path], cancellationToken: cancellationToken);
        }
    }
}

/// <summary>A prerequisite is not installed; the message says what to install.</summary>
public sealed class PrerequisiteMissingException(string message) : Exception(message);
