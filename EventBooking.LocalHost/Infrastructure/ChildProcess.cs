using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace EventBooking.LocalHost.Infrastructure;

/// <summary>
/// A process LocalHost started and owns: its output is streamed line by line with a prefix, and
/// disposing it stops the process and every descendant, so nothing is left behind.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly Func<ChildProcess, CancellationToken, Task>? _gracefulStop;
    private readonly StringBuilder _recentOutput = new();
    private readonly Lock _outputLock = new();
    private int _disposed;

    private ChildProcess(Process process, string name, Func<ChildProcess, CancellationToken, Task>? gracefulStop)
    {
        _process = process;
        _name = name;
        _gracefulStop = gracefulStop;
    }

    public string Name => _name;
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the process printed (for error messages).</summary>
    public string RecentOutput
    {
        get
        {
            lock (_outputLock)
            {
                return _recentOutput.ToString();
            }
        }
    }

    public static ChildProcess Start(ProcessSpec spec, LogSink log)
    {
        var startInfo = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, spec.Name, spec.GracefulStop);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, log);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, log);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {spec.FileName}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void OnLine(string? line, LogSink log)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            if (_recentOutput.Length > 16_000)
            {
                _recentOutput.Remove(0, 8_000);
            }

            _recentOutput.AppendLine(line);
        }

        log(_name, line);
    }

    /// <summary>Sends a POSIX signal (e.g. SIGTERM, SIGINT) to the process itself.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = NativeMethods.Kill(_process.Id, signal);
        }
    }

    /// <summary>kill -9 of the process and its descendants (fault injection).</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Stops gracefully (custom stop or SIGTERM), then kills what is left after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            if (_gracefulStop is not null)
            {
                await _gracefulStop(this, timeout.Token);
            }
            else
            {
                Signal(NativeMethods.SIGTERM);
            }

            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Grace period over.
        }

        KillHard();
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Reported by the caller's process check.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(TimeSpan.FromSeconds(15));
        _process.Dispose();
    }

    internal static partial class NativeMethods
    {
        public const int SIGINT = 2;
        public const int SIGKILL = 9;
        public const int SIGTERM = 15;

        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);

        [LibraryImport("libc", EntryPoint = "geteuid")]
        public static partial uint GetEffectiveUserId();
    }
}

/// <summary>Receives one line of a child's output.</summary>
public delegate void LogSink(string source, string line);

/// <summary>What to start.</summary>
public sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public Func<ChildProcess, CancellationToken, Task>? GracefulStop { get; init; }
}
