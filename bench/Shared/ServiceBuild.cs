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

    /// <summary>
    /// The runtime settings the instances of <paramref name="projects"/> run with, as a report should state them: the GC and
    /// JIT properties of each project's <c>runtimeconfig.json</c> (what its project file asks for), then the <c>DOTNET_</c> and
    /// <c>COMPlus_</c> variables in the instances' environment (which win over the file), whether the benchmark set them or the
    /// shell it runs in did. Distinct, in that order.
    /// </summary>
    public static IReadOnlyList<string> RuntimeSettings(SystemUnderTest system, IEnumerable<string> projects)
    {
        var settings = new List<string>();
        foreach (var project in projects)
        {
            foreach (var instance in system.Instances(project))
            {
                var processId = instance.ProcessId ?? throw new InvalidOperationException($"{instance.Id} has no process.");
                settings.AddRange(ConfigProperties(processId));
                settings.AddRange(File.ReadAllText($"/proc/{processId}/environ").Split('\0').Where(IsRuntimeVariable));
            }
        }

        return settings.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The GC's and the JIT tiers' properties in the runtimeconfig.json the project's <c>dotnet run</c> starts.</summary>
    private static IEnumerable<string> ConfigProperties(int processId)
    {
        if (Argument(processId, "--project") is not { } projectFile || Argument(processId, "--configuration") is not { } configuration)
        {
            return [];
        }

        var output = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(projectFile))!, "bin", configuration);
        var file = Directory.Exists(output)
            ? Directory.EnumerateFiles(output, Path.GetFileNameWithoutExtension(projectFile) + ".runtimeconfig.json", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        if (file is null)
        {
            return [];
        }

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties)
            ? properties.EnumerateObject()
                .Where(p => p.Name.StartsWith("System.GC.", StringComparison.Ordinal) || p.Name.StartsWith("System.Runtime.Tiered", StringComparison.Ordinal))
                .Select(p => $"{p.Name}={p.Value}")
                .ToList()
            : [];
    }

    // Not the runtime's own knobs (DOTNET_gcServer, DOTNET_TieredPGO…) but the host's, the SDK's or the app's (DOTNET_ENVIRONMENT).
    private static readonly string[] NotRuntimeVariables =
    [
        "DOTNET_ENVIRONMENT=", "DOTNET_ROOT", "DOTNET_CLI_", "DOTNET_NOLOGO", "DOTNET_SKIP_", "DOTNET_LAUNCH_PROFILE", "DOTNET_DASHBOARD_",
        "DOTNET_RESOURCE_", "DOTNET_HOST_PATH", "DOTNET_SYSTEM_", "DOTNET_RUNNING_IN_", "DOTNET_GENERATE_", "DOTNET_MSBUILD", "DOTNET_ADD_GLOBAL_TOOLS",
        "DOTNET_TOOLS_",
    ];

    private static bool IsRuntimeVariable(string variable) =>
        (variable.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) || variable.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase))
        && !NotRuntimeVariables.Any(prefix => variable.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value after <c>--configuration</c> in a process's command line.</summary>
    private static string? Configuration(int processId) => Argument(processId, "--configuration");

    /// <summary>The value after <paramref name="name"/> in a process's command line (/proc/PID/cmdline, NUL-separated).</summary>
    private static string? Argument(int processId, string name)
    {
        var arguments = File.ReadAllText($"/proc/{processId}/cmdline").Split('\0');
        var index = Array.IndexOf(arguments, name);
        return index >= 0 && index + 1 < arguments.Length ? arguments[index + 1] : null;
    }
}
