using System.Diagnostics;
using System.Text.RegularExpressions;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.AppHost.Tests;

/// <summary>
/// `dotnet run` on the AppHost, as a developer runs it (dashboard included), stopped the two ways a developer or a supervisor
/// stops it: Ctrl+C in a terminal (SIGINT to the foreground process group) and SIGTERM to `dotnet run`. Nothing it started
/// may survive either, and the second start finds the first one's data.
/// </summary>
public sealed partial class RunTests
{
    [Fact]
    public async Task Dotnet_run_stops_everything_on_ctrl_c_and_on_sigterm_and_a_second_start_reuses_the_data()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("eventbooking-run");

        var cold = await RunUntilReadyAsync(data.Path, cancellationToken);
        // What "nothing survives" looks for: every process of the run carries the data directory (command line, working
        // directory or the environment the AppHost passes down), the servers and the services alike.
        var running = Processes.Using(data.Path);
        Assert.Contains(running, p => p.Contains("postgres", StringComparison.Ordinal));
        Assert.Contains(running, p => p.Contains("Bookings.Api", StringComparison.Ordinal));
        var marker = File.GetLastWriteTimeUtc(Path.Combine(data.Path, "postgres", "data", "PG_VERSION"));
        Signal(-cold.Process.Id, Signals.Interrupt); // Ctrl+C: the terminal signals the whole foreground process group.
        await StoppedAsync(cold, data.Path, "Ctrl+C", cancellationToken);

        var warm = await RunUntilReadyAsync(data.Path, cancellationToken);
        Assert.Equal(marker, File.GetLastWriteTimeUtc(Path.Combine(data.Path, "postgres", "data", "PG_VERSION")));
        Signal(warm.Process.Id, Signals.Terminate); // A supervisor's stop: SIGTERM to `dotnet run` only.
        await StoppedAsync(warm, data.Path, "SIGTERM", cancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"dotnet run until the web app is ready: cold {cold.Ready.TotalSeconds:0.0} s, warm {warm.Ready.TotalSeconds:0.0} s (load {File.ReadAllText("/proc/loadavg").Trim()})");
    }

    private sealed record Run(Process Process, TimeSpan Ready, Task<string> Output);

    /// <summary>Starts `dotnet run` in a process group of its own (as a terminal would) and waits for the AppHost's "ready" line.</summary>
    private static async Task<Run> RunUntilReadyAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "dotnet", "run", "--no-build", "--project", Projects.EventBooking_AppHost.ProjectPath, "--no-launch-profile" },
            Environment =
            {
                // The launch profile's settings, on free ports so that the test never meets a developer's running AppHost.
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
                ["DcpPublisher__RandomizePorts"] = "true",
                ["EventBooking__DataDirectory"] = dataDirectory,
                ["EventBooking__Infrastructure"] = "local",
            },
        };
        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (ReadyLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }

        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(cancellationToken).ContinueWith(_ => output.ToString(), TaskScheduler.Default);
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(4), cancellationToken));
        if (first != ready.Task)
        {
            Signal(-process.Id, Signals.Kill);
            Assert.Fail($"the AppHost did not announce the web app within 4 minutes: {output}");
        }

        var elapsed = stopwatch.Elapsed;
        using var http = new HttpClient();
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri(await ready.Task, "/health"), cancellationToken));
        return new Run(process, elapsed, exited);
    }

    /// <summary>`dotnet run` exits, and then every process the run started (servers, services, the orchestrator) is gone.</summary>
    private static async Task StoppedAsync(Run run, string dataDirectory, string how, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await run.Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Signal(-run.Process.Id, Signals.Kill);
            Assert.Fail($"dotnet run did not exit within 60 s of {how}");
        }

        await Poll.UntilAsync(() => Processes.Using(dataDirectory).Count == 0, TimeSpan.FromSeconds(60),
            $"nothing the AppHost started runs 60 s after {how}: {string.Join("; ", Processes.Using(dataDirectory))}", cancellationToken);
    }

    private static void Signal(int pid, string signal) => Process.Start("kill", [$"-{signal}", "--", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    private static class Signals
    {
        public const string Interrupt = "INT";
        public const string Terminate = "TERM";
        public const string Kill = "KILL";
    }

    [GeneratedRegex(@"EventBooking is ready: the web app answers at (?<url>http://\S+)")]
    private static partial Regex ReadyLine();
}
