using System.Globalization;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace Load.Bench;

/// <summary>
/// CPU time the system's processes spend, read from /proc (user + system, each resource's whole process tree including its
/// reaped children: PostgreSQL's backends are the postmaster's children, a service is the child of its <c>dotnet run</c>
/// wrapper), and the orchestrator's own (DCP: its API server, its controllers with the proxy in front of every service
/// endpoint that the services call each other through, its process monitors). On a machine shared with other work, CPU
/// milliseconds per confirmed booking move far less than wall-clock throughput, so before/after comparisons use them.
/// </summary>
public sealed class CpuMeter(SystemUnderTest system)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public IReadOnlyDictionary<string, double> Snapshot()
    {
        var result = new Dictionary<string, double>
        {
            ["postgres"] = SecondsOf(ResourceNames.Postgres),
            // The node's process tree includes its Erlang port mapper.
            ["rabbitmq"] = SecondsOf(ResourceNames.Messaging),
            ["load generator"] = Seconds(Environment.ProcessId, includeReaped: false),
            ["orchestrator (dcp)"] = Orchestrator(),
        };
        foreach (var api in ResourceNames.Apis.Where(api => system.Instances(api).Count > 0))
        {
            result[api] = SecondsOf(api);
        }

        return result;
    }

    public static IReadOnlyDictionary<string, double> Delta(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));

    /// <summary>Every instance (replica) of a resource, each with its whole process tree.</summary>
    private double SecondsOf(string resource) =>
        system.Instances(resource).Sum(instance => instance.ProcessId is { } pid ? SecondsWithChildren(pid) : 0);

    /// <summary>
    /// The <c>dcp</c> processes Aspire started for this process (<c>dcp start-apiserver --monitor PID</c> and every <c>dcp</c>
    /// below it), without the resources they run (those are counted above).
    /// </summary>
    private static double Orchestrator()
    {
        var monitor = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var root = Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .FirstOrDefault(pid => pid > 0 && CommandLine(pid) is [_, "start-apiserver", "--monitor", var parent, ..] && parent == monitor);
        return root == 0 ? 0 : ProcessTree.Descendants(root).Prepend(root)
            .Where(pid => CommandLine(pid) is [var executable, ..] && Path.GetFileName(executable) == "dcp")
            .Sum(pid => Seconds(pid, includeReaped: false));
    }

    private static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static double SecondsWithChildren(int pid) =>
        ProcessTree.Descendants(pid).Prepend(pid).Sum(process => Seconds(process, includeReaped: true));

    private static double Seconds(int pid, bool includeReaped)
    {
        var fields = Stat(pid);
        if (fields is null)
        {
            return 0;
        }

        // Fields after "(comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17), counted from 1 in proc(5).
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        var ticks = Field(14) + Field(15) + (includeReaped ? Field(16) + Field(17) : 0);
        return ticks / TicksPerSecond;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
