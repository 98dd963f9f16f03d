using System.Globalization;

namespace EventBooking.LocalHost.Infrastructure;

/// <summary>One running replica of a .NET service, started from its build output.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ProcessSpec _spec;
    private readonly LogSink _log;
    private ChildProcess _process;

    private ServiceProcess(ProcessSpec spec, ChildProcess process, Uri url, LogSink log)
    {
        _spec = spec;
        _process = process;
        Url = url;
        _log = log;
    }

    public Uri Url { get; }
    public ChildProcess Process => _process;
    public string Name => _spec.Name;

    public static ServiceProcess Start(string name, ProjectInfo project, int port, IReadOnlyDictionary<string, string?> environment, LogSink log)
    {
        if (!File.Exists(project.AssemblyPath))
        {
            throw new PrerequisiteMissingException(
                $"{project.AssemblyPath} is missing: build the solution first (dotnet build EventBooking.sln).");
        }

        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var env = new Dictionary<string, string?>(environment)
        {
            ["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/'),
            ["OTEL_SERVICE_NAME"] = name,
        };
        var dotnet = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var spec = new ProcessSpec(name, dotnet, [project.AssemblyPath])
        {
            WorkingDirectory = project.ProjectDirectory,
            Environment = env,
        };
        return new ServiceProcess(spec, ChildProcess.Start(spec, log), url, log);
    }

    /// <summary>Waits until <c>/health</c> answers 200.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting:\n{_process.RecentOutput}");
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri(Url, "/health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Probe timed out.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not healthy at {Url}health within {timeout.TotalSeconds:0} s:\n{_process.RecentOutput}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>kill -9 (fault injection).</summary>
    public void KillHard() => _process.KillHard();

    /// <summary>Starts the replica again on the same port with the same configuration.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) => RestartAsync(TimeSpan.FromSeconds(60), cancellationToken);

    /// <summary>Starts the replica again and waits until it is healthy, for up to <paramref name="timeout"/>.</summary>
    public async Task RestartAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _process.DisposeAsync();
        _process = ChildProcess.Start(_spec, _log);
        await WaitHealthyAsync(timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}

/// <summary>Where a project's build output and content root are.</summary>
public sealed record ProjectInfo(string AssemblyPath, string ProjectDirectory);
