using System.Globalization;
using EventBooking.LocalHost;

namespace Load.Bench;

/// <summary>
/// CPU time the topology's processes spend, read from /proc (user + system, a process plus its children: PostgreSQL's
/// backends are the postmaster's children). On a machine shared with other work, CPU milliseconds per confirmed booking
/// move far less than wall-clock throughput, so before/after comparisons use them.
/// </summary>
public sealed class CpuMeter(Topology topology)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public IReadOnlyDictionary<string, double> Snapshot()
    {
        var result = new Dictionary<string, double>
        {
            ["postgres"] = SecondsWithChildren(topology.Postgres.Process.Id),
            ["rabbitmq"] = SecondsWithChildren(topology.RabbitMq.Process.Id),
            ["load generator"] = Seconds(Environment.ProcessId, includeReaped: false),
        };
        foreach (var (name, replicas) in topology.Services)
        {
            result[name] = replicas.Sum(r => SecondsWithChildren(r.Process.Id));
        }

        return result;
    }

    public static IReadOnlyDictionary<string, double> Delta(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));

    private static double SecondsWithChildren(int pid)
    {
        var total = Seconds(pid, includeReaped: true);
        foreach (var child in ChildrenOf(pid))
        {
            total += SecondsWithChildren(child);
        }

        return total;
    }

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

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var candidate) && Stat(candidate) is { } fields
                && int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
            {
                children.Add(candidate);
            }
        }

        return children;
    }
}
