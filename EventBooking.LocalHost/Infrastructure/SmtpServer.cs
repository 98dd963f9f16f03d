using System.Globalization;

namespace EventBooking.LocalHost.Infrastructure;

/// <summary>
/// A real SMTP mail catcher (Debian's python3-aiosmtpd) that stores every accepted message in a Maildir.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private ChildProcess _process;
    private readonly LogSink _log;

    private SmtpServer(ChildProcess process, string maildir, int port, LogSink log)
    {
        _process = process;
        Maildir = maildir;
        Port = port;
        _log = log;
    }

    public string Maildir { get; }
    public int Port { get; }
    public ChildProcess Process => _process;

    /// <summary>The connection string injected as <c>ConnectionStrings__smtp</c> (Aspire's format for an endpoint).</summary>
    public string ConnectionString => $"smtp://127.0.0.1:{Port}";

    public static string PythonWithAiosmtpd => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static async Task<SmtpServer> StartAsync(string dataRoot, LogSink log, int? port = null, CancellationToken cancellationToken = default)
    {
        var check = await Platform.RunAsync(PythonWithAiosmtpd, ["-c", "import aiosmtpd"], throwOnError: false, cancellationToken: cancellationToken);
        if (check.Contains("Error", StringComparison.Ordinal))
        {
            throw new PrerequisiteMissingException("The SMTP mail catcher is missing. Install it with: sudo apt-get install -y python3-aiosmtpd   (or run: bash scripts/setup.sh)");
        }

        var maildir = Path.Combine(dataRoot, "Maildir");
        Directory.CreateDirectory(dataRoot);
        var chosenPort = port ?? Platform.FreePort();
        var process = Start(maildir, chosenPort, log);
        var server = new SmtpServer(process, maildir, chosenPort, log);
        await Platform.WaitForPortAsync(chosenPort, process, TimeSpan.FromSeconds(30), cancellationToken);
        return server;
    }

    private static ChildProcess Start(string maildir, int port, LogSink log) =>
        ChildProcess.Start(new ProcessSpec("smtp", PythonWithAiosmtpd,
            ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "-c", "aiosmtpd.handlers.Mailbox", maildir]), log);

    /// <summary>Stops accepting mail (fault injection: "SMTP down").</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(5));

    /// <summary>Starts accepting mail again on the same port and Maildir.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await _process.DisposeAsync();
        _process = Start(Maildir, Port, _log);
        await Platform.WaitForPortAsync(Port, _process, TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>The raw messages received so far (RFC 5322 text).</summary>
    public IReadOnlyList<string> ReadMessages()
    {
        var directory = Path.Combine(Maildir, "new");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.GetFiles(directory).OrderBy(File.GetCreationTimeUtc).Select(File.ReadAllText).ToList();
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}
