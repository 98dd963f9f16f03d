using System.Reflection;
using EventBooking.Testing;

namespace EventBooking.Bench;

/// <summary>
/// Which build of the services a benchmark drives. Aspire runs each project resource as
/// <c>dotnet run --project … --no-build --configuration C</c>, where C is the configuration the AppHost assembly was built with
/// (its <c>AssemblyConfiguration</c>, read by <c>DistributedApplicationOptions</c>). A benchmark built with <c>-c Release</c>
/// builds the AppHost, and through its project references every service, in Release too, so it starts Release services;
/// this reads what actually runs so that a report can never carry Debug figures by accident.
/// </summary>
public static class ServiceBuild
{
    /// <summary>The configuration this benchmark was built with.</summary>
    public static string Own { get; } =
        typeof(ServiceBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";

    /// <summary>
    /// The configuration every instance of <paramref name="projects"/> runs (the <c>--configuration</c> of its <c>dotnet run</c>);
    /// throws when one runs another configuration than this benchmark's own build.
    /// </summary>
    public static string Verify(SystemUnderTest system, IEnumerable<string> projects)
    {
        foreach (var project in projects)
        {
            foreach (var instance in system.Instances(project))
            {
                var running = Configuration(instance.ProcessId ?? throw new InvalidOperationException($"{instance.Id} has no process."));
                if (!string.Equals(running, Own, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(
                        $"{instance.Id} runs its {running ?? "default"} build but this benchmark is a {Own} build: rebuild it with -c {Own}.");
                }
            }
        }

        return Own;
    }

    /// <summary>The value after <c>--configuration</c> in a process's command line (/proc/PID/cmdline, NUL-separated).</summary>
    private static string? Configuration(int processId)
    {
        var arguments = File.ReadAllText($"/proc/{processId}/cmdline").Split('\0');
        var index = Array.IndexOf(arguments, "--configuration");
        return index >= 0 && index + 1 < arguments.Length ? arguments[index + 1] : null;
    }
}
