using System.Globalization;

namespace EventBooking.LocalHost.Infrastructure;

/// <summary>
/// A private RabbitMQ node started from the system's binaries, with its own Erlang port mapper,
/// data directory and ports; runs as the <c>rabbitmq</c> user when LocalHost runs as root.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string SystemUser = "rabbitmq";
    private const string ScriptDirectory = "/usr/lib/rabbitmq/bin";
    private readonly ChildProcess _epmd;
    private readonly string _dataRoot;
    private readonly LogSink _log;
    private ChildProcess _process;

    private RabbitMqServer(ChildProcess epmd, ChildProcess process, string dataRoot, string nodeName, int port, int epmdPort, int distPort, LogSink log)
    {
        _epmd = epmd;
        _process = process;
        _dataRoot = dataRoot;
        NodeName = nodeName;
        Port = port;
        EpmdPort = epmdPort;
        DistPort = distPort;
        _log = log;
    }

    public string NodeName { get; }
    public int Port { get; }
    public int EpmdPort { get; }
    public int DistPort { get; }
    public ChildProcess Process => _process;
    public string UserName => "guest";
    public string Password => "guest";

    /// <summary>An AMQP URI in the format Aspire injects.</summary>
    public string ConnectionString => $"amqp://{UserName}:{Password}@127.0.0.1:{Port}";

    public static async Task<RabbitMqServer> StartAsync(string dataRoot, LogSink log, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(ScriptDirectory, "rabbitmq-server")))
        {
            throw new PrerequisiteMissingException(
                "RabbitMQ is not installed. Install it with: sudo apt-get install -y rabbitmq-server   (or run: bash scripts/setup.sh)");
        }

        var epmdBinary = Platform.Which("epmd", "/usr/bin/epmd") ?? throw new PrerequisiteMissingException(
            "Erlang's epmd is missing. Install it with: sudo apt-get install -y rabbitmq-server");
        Directory.CreateDirectory(dataRoot);
        var nodeLabel = "eventbooking" + Convert.ToHexString(BitConverter.GetBytes(Environment.ProcessId ^ dataRoot.GetHashCode(StringComparison.Ordinal))).ToLowerInvariant();
        var nodeName = $"{nodeLabel}@localhost";
        var port = Platform.FreePort();
        var epmdPort = Platform.FreePort();
        var distPort = Platform.FreePort();
        var configFile = Path.Combine(dataRoot, "rabbitmq.conf");
        var pluginsFile = Path.Combine(dataRoot, "enabled_plugins");
        await File.WriteAllTextAsync(configFile, string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "loopback_users = none",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
            "vm_memory_high_watermark.relative = 0.4",
            "disk_free_limit.absolute = 200MB",
            ""), cancellationToken);
        // The management plugin is left off locally: it costs seconds at start and a port; AppHost enables it.
        await File.WriteAllTextAsync(pluginsFile, "[].\n", cancellationToken);
        Directory.CreateDirectory(Path.Combine(dataRoot, "mnesia"));
        Directory.CreateDirectory(Path.Combine(dataRoot, "log"));
        var cookie = Path.Combine(dataRoot, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            await File.WriteAllTextAsync(cookie, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)), cancellationToken);
        }

        File.SetUnixFileMode(cookie, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await Platform.ChownAsync(SystemUser, dataRoot, cancellationToken);

        var environment = ServerEnvironment(dataRoot, nodeName, configFile, pluginsFile, epmdPort, distPort);
        var (epmdFile, epmdArgs) = Platform.AsUser(SystemUser, epmdBinary, ["-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"]);
        var epmd = ChildProcess.Start(new ProcessSpec("epmd", epmdFile, epmdArgs) { WorkingDirectory = dataRoot, Environment = environment }, log);
        try
        {
            await Platform.WaitForPortAsync(epmdPort, epmd, TimeSpan.FromSeconds(10), cancellationToken);
            var process = StartNode(dataRoot, environment, log);
            var server = new RabbitMqServer(epmd, process, dataRoot, nodeName, port, epmdPort, distPort, log);
            await Platform.WaitForPortAsync(port, process, TimeSpan.FromSeconds(90), cancellationToken);
            return server;
        }
        catch
        {
            await epmd.DisposeAsync();
            throw;
        }
    }

    private static ChildProcess StartNode(string dataRoot, IReadOnlyDictionary<string, string?> environment, LogSink log)
    {
        var (fileName, arguments) = Platform.AsUser(SystemUser, Path.Combine(ScriptDirectory, "rabbitmq-server"), []);
        return ChildProcess.Start(new ProcessSpec("rabbitmq", fileName, arguments)
        {
            WorkingDirectory = dataRoot,
            Environment = environment,
            // RabbitMQ shuts down cleanly on SIGTERM.
            GracefulStop = (p, _) => { p.Signal(ChildProcess.NativeMethods.SIGTERM); return Task.CompletedTask; },
        }, log);
    }

    private static Dictionary<string, string?> ServerEnvironment(string dataRoot, string nodeName, string configFile, string pluginsFile, int epmdPort, int distPort) => new()
    {
        ["HOME"] = dataRoot,
        ["RABBITMQ_NODENAME"] = nodeName,
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(dataRoot, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(dataRoot, "log"),
        ["RABBITMQ_CONFIG_FILE"] = configFile,
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = pluginsFile,
        ["RABBITMQ_DIST_PORT"] = distPort.ToString(CultureInfo.InvariantCulture),
        ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_PID_FILE"] = Path.Combine(dataRoot, "rabbitmq.pid"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(dataRoot, "rabbitmq-env.conf"),
    };

    /// <summary>kill -9 of the broker (fault injection); <see cref="RestartAsync"/> brings it back on the same port.</summary>
    public void KillHard() => _process.KillHard();

    /// <summary>Graceful stop of the broker, keeping the port mapper (and the data) for a restart.</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(30));

    /// <summary>Starts the node again (after a kill or stop) on the same port and data.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (!_process.HasExited)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(30));
        }

        await _process.DisposeAsync();
        var environment = ServerEnvironment(_dataRoot, NodeName, Path.Combine(_dataRoot, "rabbitmq.conf"), Path.Combine(_dataRoot, "enabled_plugins"), EpmdPort, DistPort);
        _process = StartNode(_dataRoot, environment, _log);
        await Platform.WaitForPortAsync(Port, _process, TimeSpan.FromSeconds(90), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await _epmd.DisposeAsync();
    }
}
