using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EventBooking.AppHost.Local;

/// <summary>
/// What the local executables need from the machine: the system's binaries, a free loopback port, and — when the AppHost
/// runs as root — a way to run a server as its own system user (PostgreSQL and RabbitMQ refuse to run as root).
/// </summary>
internal static class LocalSystem
{
    /// <summary>Whether the AppHost runs as root (Environment.UserName reads the effective user).</summary>
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// The command and arguments that run <paramref name="binary"/> as <paramref name="user"/>: through <c>setpriv</c>,
    /// which replaces itself with the server, so the orchestrator's stop signal reaches the server itself (unlike <c>runuser</c>).
    /// As a normal user the server simply runs as that user.
    /// </summary>
    public static (string Command, string[] Arguments) AsUser(string user, string binary, params string[] arguments) =>
        IsRoot
            ? (Which("setpriv") ?? throw Missing("setpriv", "util-linux"), [$"--reuid={user}", $"--regid={user}", "--init-groups", "--", binary, .. arguments])
            : (binary, arguments);

    /// <summary>
    /// A POSIX shell script, run as <c>sh -c SCRIPT SERVER ARGS…</c>, that starts the server and turns the orchestrator's stop
    /// signal (SIGTERM, sent to the script, the root of the resource's process tree) into <paramref name="stopSignal"/> for the
    /// server, then waits until the server has exited. <paramref name="before"/> and <paramref name="after"/> run around it.
    /// </summary>
    public static string Supervise(string stopSignal, string before = "", string after = "") => string.Join('\n',
        before,
        $"trap 'kill -{stopSignal} \"$pid\" 2>/dev/null' TERM INT",
        "\"$0\" \"$@\" &",
        "pid=$!",
        "status=0",
        // wait returns early when the trap runs: keep waiting until the server is gone.
        "while kill -0 \"$pid\" 2>/dev/null; do wait \"$pid\"; status=$?; done",
        after,
        "exit $status");

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on now (kept for the whole run, so restarts find the server again).</summary>
    public static int FreePort() => LoopbackPorts.Free();

    public static string? Which(string name, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The exception that says exactly which package provides a missing program.</summary>
    public static DistributedApplicationException Missing(string what, string package) =>
        new($"{what} is not installed. Install it with: sudo apt-get install -y {package}   (or run: bash scripts/setup.sh)");

    /// <summary>Gives <paramref name="path"/> (recursively) to <paramref name="user"/> when running as root; a no-op otherwise.</summary>
    public static Task ChownAsync(string user, string path, CancellationToken cancellationToken) =>
        IsRoot ? RunAsync("chown", ["-R", $"{user}:{user}", path], cancellationToken) : Task.CompletedTask;

    /// <summary>Lets servers running as their own users walk into <paramref name="directory"/> (and through its parents).</summary>
    public static void AllowTraverse(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null && current.FullName != "/"; current = current.Parent)
        {
            if (current.Exists && !OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(current.FullName);
                if ((mode & UnixFileMode.OtherExecute) == 0)
                {
                    File.SetUnixFileMode(current.FullName, mode | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
                }
            }
        }
    }

    /// <summary>Runs a short command to completion; its output is returned, a failure throws with the output in the message.</summary>
    public static async Task<string> RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken, string? standardInput = null)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new DistributedApplicationException($"Could not start {command}.");
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = (await output) + (await error);
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"{command} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {text.Trim()}");
        }

        return text;
    }
}
