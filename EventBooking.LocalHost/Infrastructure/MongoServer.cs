using System.Globalization;

namespace EventBooking.LocalHost.Infrastructure;

/// <summary>A private <c>mongod</c> (standalone, like Aspire's container), started only when one is on PATH.</summary>
public sealed class MongoServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private MongoServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public ChildProcess Process => _process;

    public static string? FindBinary() => Platform.Which("mongod");

    public string ConnectionString(string database) => $"mongodb://127.0.0.1:{Port}/{database}";

    public static async Task<MongoServer> StartAsync(string dataRoot, LogSink log, CancellationToken cancellationToken = default)
    {
        var binary = FindBinary() ?? throw new PrerequisiteMissingException("mongod is not on PATH.");
        var dbPath = Path.Combine(dataRoot, "db");
        Directory.CreateDirectory(dbPath);
        var port = Platform.FreePort();
        var process = ChildProcess.Start(new ProcessSpec("mongo", binary,
            ["--dbpath", dbPath, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind_ip", "127.0.0.1", "--quiet"]), log);
        await Platform.WaitForPortAsync(port, process, TimeSpan.FromSeconds(60), cancellationToken);
        return new MongoServer(process, port);
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}
