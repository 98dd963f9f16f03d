using System.Security.Cryptography;
using Npgsql;

namespace EventBooking.LocalHost.Infrastructure;

/// <summary>
/// A private PostgreSQL server started from the system's binaries: its own data directory
/// (kept between runs unless wiped) and its own port on 127.0.0.1. Runs as the <c>postgres</c> user when LocalHost runs as root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string UserName = "postgres";
    private const string SystemUser = "postgres";
    private readonly ProcessSpec _spec;
    private readonly LogSink _log;
    private ChildProcess _process;

    private PostgresServer(ChildProcess process, ProcessSpec spec, LogSink log, string dataDirectory, int port, string password)
    {
        _process = process;
        _spec = spec;
        _log = log;
        DataDirectory = dataDirectory;
        Port = port;
        Password = password;
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public string Password { get; }
    public ChildProcess Process => _process;

    /// <summary>An Npgsql connection string in the format Aspire injects.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={UserName};Password={Password};Database={database}";

    public static string? FindBinDirectory()
    {
        var root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var newest = Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "bin", "postgres")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return Path.Combine(newest.Dir, "bin");
            }
        }

        var postgres = Platform.Which("postgres");
        return postgres is null ? null : Path.GetDirectoryName(postgres);
    }

    public static async Task<PostgresServer> StartAsync(string dataRoot, LogSink log, int? port = null, CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory() ?? throw new PrerequisiteMissingException(
            "PostgreSQL is not installed. Install it with: sudo apt-get install -y postgresql   (or run: bash scripts/setup.sh)");
        Directory.CreateDirectory(dataRoot);
        var dataDirectory = Path.Combine(dataRoot, "data");
        var socketDirectory = Path.Combine(dataRoot, "run");
        var passwordFile = Path.Combine(dataRoot, "password");
        Directory.CreateDirectory(socketDirectory);

        if (!File.Exists(passwordFile) || !File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            await File.WriteAllTextAsync(passwordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(), cancellationToken);
            await Platform.ChownAsync(SystemUser, dataRoot, cancellationToken);
            var (initdb, initArgs) = Platform.AsUser(SystemUser, Path.Combine(bin, "initdb"),
                ["-D", dataDirectory, "-U", UserName, "--pwfile", passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]);
            await Platform.RunAsync(initdb, initArgs, cancellationToken: cancellationToken);
        }
        else
        {
            await Platform.ChownAsync(SystemUser, dataRoot, cancellationToken);
        }

        var password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();
        var chosenPort = port ?? Platform.FreePort();
        List<string> serverArguments =
        [
            "-D", dataDirectory, "-p", chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", socketDirectory,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=400", "-c", "shared_buffers=256MB",
            "-c", "logging_collector=off", "-c", "log_min_messages=warning",
        ];
        if (File.Exists(Path.Combine(bin, "..", "lib", "pg_stat_statements.so")))
        {
            // Statement statistics for profiling (CREATE EXTENSION pg_stat_statements in a database to read them; bench/Load does).
            serverArguments.AddRange(["-c", "shared_preload_libraries=pg_stat_statements"]);
        }

        var (fileName, arguments) = Platform.AsUser(SystemUser, Path.Combine(bin, "postgres"), serverArguments);
        var spec = new ProcessSpec("postgres", fileName, arguments)
        {
            WorkingDirectory = dataRoot,
            // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
            GracefulStop = (p, _) => { p.Signal(ChildProcess.NativeMethods.SIGINT); return Task.CompletedTask; },
        };
        var process = ChildProcess.Start(spec, log);

        var server = new PostgresServer(process, spec, log, dataDirectory, chosenPort, password);
        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Fast shutdown (fault injection: "database down"); open transactions roll back.</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(30));

    /// <summary>Starts the server again (after a stop) on the same port and data; stops it first if it still runs.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (!_process.HasExited)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(30));
        }

        await _process.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        _process = ChildProcess.Start(_spec, _log);
        await WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Platform.WaitForPortAsync(Port, _process, timeout, cancellationToken);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == "57P03" && DateTime.UtcNow < deadline)
            {
                // The database system is starting up.
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Creates the databases that do not exist yet.</summary>
    public async Task EnsureDatabasesAsync(IEnumerable<string> databases, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        foreach (var database in databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _process.DisposeAsync();
    }
}
