using System.Runtime.Versioning;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace EventBooking.AppHost.Local;

/// <summary>
/// A RabbitMQ node from the system's packages, run by the orchestrator as an executable with its own Erlang port mapper
/// (<c>epmd</c>, in the same process tree), data directory and ports; the <c>rabbitmq</c> user when the AppHost runs as root. It offers
/// the same connection string as Aspire's RabbitMQ container (<c>amqp://guest:…@host:port</c>).
/// </summary>
public sealed class LocalRabbitMQServerResource(string name, string command, string dataRoot, ParameterResource password)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";
    internal const string UserName = "guest";
    internal const string SystemUser = "rabbitmq";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public string DataRoot { get; } = dataRoot;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");

    /// <summary>The same connection properties as Aspire's RabbitMQ server resource (injected as <c>{NAME}_HOST</c>, …).</summary>
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Username", ReferenceExpression.Create($"{UserName}"));
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ConnectionStringExpression);
    }
}

[SupportedOSPlatform("linux")]
public static class LocalRabbitMQBuilderExtensions
{
    private const string ScriptDirectory = "/usr/lib/rabbitmq/bin";
    private static readonly string[] AdministratorTag = ["administrator"];

    /// <summary>
    /// Adds a RabbitMQ node run from Debian's <c>rabbitmq-server</c> package. Its data (queues, messages) is kept in
    /// <paramref name="dataRoot"/>; the <c>guest</c> user's password is the persisted generated parameter, applied from a
    /// definitions file at every boot. The management plugin stays off locally (it costs seconds at every start).
    /// </summary>
    public static IResourceBuilder<LocalRabbitMQServerResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        var port = LocalSystem.FreePort();
        var epmdPort = LocalSystem.FreePort();
        var distributionPort = LocalSystem.FreePort();
        var nodeName = "eventbooking" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dataRoot)))[..8].ToLowerInvariant() + "@localhost";
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = dataRoot,
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(dataRoot, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(dataRoot, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(dataRoot, "rabbitmq.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(dataRoot, "enabled_plugins"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(dataRoot, "rabbitmq.pid"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(dataRoot, "rabbitmq-env.conf"),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            // Erlang distribution (for rabbitmqctl) on loopback only, like every other port here.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };

        Directory.CreateDirectory(dataRoot);
        // Erlang's port mapper runs in the node's own process tree, started before it and stopped after it: a node that
        // finds none (or loses it while stopping) starts an `epmd -daemon` that would outlive everything.
        var epmd = LocalSystem.Which("epmd", "/usr/bin/epmd") ?? "epmd";
        var (command, arguments) = LocalSystem.AsUser(LocalRabbitMQServerResource.SystemUser, "/bin/sh",
            "-c",
            LocalSystem.Supervise("TERM",
                before: $"{epmd} -port \"$ERL_EPMD_PORT\" -address 127.0.0.1 & epmd=$!\n" +
                    $"i=0; until {epmd} -port \"$ERL_EPMD_PORT\" -names >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done",
                after: "kill \"$epmd\" 2>/dev/null"),
            Path.Combine(ScriptDirectory, "rabbitmq-server"));
        var server = new LocalRabbitMQServerResource(name, command, dataRoot, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, cancellationToken) => PrepareNodeAsync(server, port, password.Resource, cancellationToken));

        // One connection for every check (it recovers by itself after a broker restart), as Aspire's RabbitMQ resource does.
        IConnection? connection = null;
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRabbitMQ(
            async _ => connection ??= await new ConnectionFactory
            {
                Uri = new Uri(connectionString ?? throw new InvalidOperationException("The connection string is not known yet.")),
            }.CreateConnectionAsync(),
            name: healthCheck);

        var resource = builder.AddResource(server)
            .WithArgs(arguments)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalRabbitMQServerResource.EndpointName, isProxied: false)
            .WithIconName("Mail")
            .WithHealthCheck(healthCheck);
        foreach (var (key, value) in environment)
        {
            resource.WithEnvironment(key, value);
        }

        return resource;
    }

    /// <summary>Writes the node's configuration, plugins, Erlang cookie and user definitions, and gives the folder to the rabbitmq user.</summary>
    private static async Task PrepareNodeAsync(LocalRabbitMQServerResource server, int port, ParameterResource password, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(ScriptDirectory, "rabbitmq-server")))
        {
            throw LocalSystem.Missing("RabbitMQ", "rabbitmq-server");
        }

        var root = server.DataRoot;
        Directory.CreateDirectory(Path.Combine(root, "mnesia"));
        Directory.CreateDirectory(Path.Combine(root, "log"));
        LocalSystem.AllowTraverse(root);
        var definitions = Path.Combine(root, "definitions.json");
        await File.WriteAllTextAsync(Path.Combine(root, "rabbitmq.conf"), string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
            "vm_memory_high_watermark.relative = 0.4",
            "disk_free_limit.absolute = 200MB",
            $"load_definitions = {definitions}",
            ""), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(root, "enabled_plugins"), "[].\n", cancellationToken);
        await File.WriteAllTextAsync(definitions, Definitions(await password.GetValueAsync(cancellationToken) ?? ""), cancellationToken);
        File.SetUnixFileMode(definitions, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var cookie = Path.Combine(root, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            await File.WriteAllTextAsync(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)), cancellationToken);
        }

        File.SetUnixFileMode(cookie, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await LocalSystem.ChownAsync(LocalRabbitMQServerResource.SystemUser, root, cancellationToken);
    }

    /// <summary>
    /// The boot-time definitions: vhost <c>/</c> and the <c>guest</c> administrator with the parameter's password, hashed the way
    /// RabbitMQ stores it (<c>rabbit_password_hashing_sha256</c>: base64 of salt ‖ SHA-256(salt ‖ password)).
    /// </summary>
    private static string Definitions(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        var hash = salt.Concat(SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)])).ToArray();
        return JsonSerializer.Serialize(new
        {
            users = new[]
            {
                new { name = LocalRabbitMQServerResource.UserName, password_hash = Convert.ToBase64String(hash), hashing_algorithm = "rabbit_password_hashing_sha256", tags = AdministratorTag },
            },
            vhosts = new[] { new { name = "/" } },
            permissions = new[] { new { user = LocalRabbitMQServerResource.UserName, vhost = "/", configure = ".*", write = ".*", read = ".*" } },
        });
    }
}
