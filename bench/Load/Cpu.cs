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
            // SignalR's backplane (notifications-api) and the web's shared state.
            ["redis"] = SecondsOf(ResourceNames.Cache),
            ["load generator"] = Seconds(Environment.ProcessId, includeReaped: false),
            ["orchestrator (dcp)"] = Orchestrator(),
        };
        foreach (var api in ResourceNames.Apis.Where(api => system.Instances(api).Count > 0))
        {
            result[api] = SecondsOf(api);
        }

        return result;
    }

    /// <summary>
    /// CPU seconds of the APIs' background JIT so far, per thread (their ".NET Tiered Com" threads: tier-1 recompilation of hot
    /// methods and its call counting), already included in each API's figure; it shows how far from its steady state a
    /// service still is. Such a thread exits when it has been idle for a while and a new one starts when there is work again.
    /// </summary>
    public IReadOnlyDictionary<string, double> BackgroundJit() =>
        ResourceNames.Apis.SelectMany(system.Instances)
            .SelectMany(instance => instance.ProcessId is { } pid ? ProcessTree.Descendants(pid).Prepend(pid) : [])
            .SelectMany(TieredCompilationThreads)
            .ToDictionary(thread => thread.Task, thread => Seconds(Path.Combine(thread.Task, "stat"), includeReaped: false));

    /// <summary>
    /// Background JIT between two <see cref="BackgroundJit"/> snapshots: the threads alive at the end. A thread that exited in
    /// between took its last seconds with it, so this is a lower bound.
    /// </summary>
    public static double BackgroundJitDelta(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        after.Sum(thread => Math.Max(0, thread.Value - before.GetValueOrDefault(thread.Key)));

    /// <summary>CPU seconds the APIs spent in all (the sum of their rows of <see cref="Snapshot"/>).</summary>
    public double ApiSeconds() => ResourceNames.Apis.Sum(SecondsOf);

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

    private static IEnumerable<(string Task, int Pid)> TieredCompilationThreads(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Where(task => ReadOrNull(Path.Combine(task, "comm"))?.Trim() == ".NET Tiered Com")
                .Select(task => (task, pid)).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static double Seconds(int pid, bool includeReaped) => Seconds($"/proc/{pid}/stat", includeReaped);

    private static double Seconds(string statPath, bool includeReaped)
    {
        var fields = Stat(statPath);
        if (fields is null)
        {
            return 0;
        }

        // Fields after "(comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17), counted from 1 in proc(5).
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        var ticks = Field(14) + Field(15) + (includeReaped ? Field(16) + Field(17) : 0);
        return ticks / TicksPerSecond;
    }

    private static string[]? Stat(string path) => ReadOrNull(path) is { } text ? text[(text.LastIndexOf(')') + 2)..].Split(' ') : null;

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
