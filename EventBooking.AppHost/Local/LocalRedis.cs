using System.Runtime.Versioning;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace EventBooking.AppHost.Local;

/// <summary>
/// Redis from the system's packages (Debian's <c>redis-server</c>), run by the orchestrator as an executable: its own
/// configuration and data directory (kept between runs, append-only file on), its own port on 127.0.0.1, a password, the
/// <c>redis</c> user when the AppHost runs as root. It offers the same connection string as Aspire's Redis container
/// (<c>host:port,password=…</c>) and the same connection properties.
/// </summary>
public sealed class LocalRedisResource(string name, string command, string dataRoot, ParameterResource password)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";
    internal const string SystemUser = "redis";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Where the server keeps its files: <c>redis.conf</c> and <c>data/</c> (the append-only file and snapshots).</summary>
    public string DataRoot { get; } = dataRoot;

    public string ConfigurationFile => Path.Combine(DataRoot, "redis.conf");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");

    /// <summary>The same connection properties as Aspire's Redis resource (injected as <c>{NAME}_HOST</c>, …).</summary>
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ReferenceExpression.Create(
            $"redis://:{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
    }
}

[SupportedOSPlatform("linux")]
public static class LocalRedisBuilderExtensions
{
    /// <summary>
    /// Adds a Redis server run from Debian's <c>redis-server</c> package. Its data is kept in <paramref name="dataRoot"/>
    /// (append-only file, so Data Protection keys and sessions survive a restart of Redis); the password is the persisted
    /// generated parameter, written into the configuration file at every start. Redis stops cleanly on the orchestrator's SIGTERM.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        var port = LocalSystem.FreePort();
        var binary = LocalSystem.Which("redis-server", "/usr/bin/redis-server");
        var configurationFile = Path.Combine(dataRoot, "redis.conf");
        var (command, arguments) = LocalSystem.AsUser(LocalRedisResource.SystemUser, binary ?? "/usr/bin/redis-server", configurationFile);
        var server = new LocalRedisResource(name, command, dataRoot, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (_, cancellationToken) =>
        {
            if (binary is null)
            {
                throw LocalSystem.Missing("Redis", "redis-server");
            }

            await PrepareServerAsync(server, port, await password.Resource.GetValueAsync(cancellationToken) ?? "", cancellationToken);
        });
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));

        // The check Aspire's Redis resource uses (AspNetCore.HealthChecks.Redis: connects, authenticates and PINGs).
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not known yet."),
            name: healthCheck);

        return builder.AddResource(server)
            .WithArgs(arguments)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalRedisResource.EndpointName, isProxied: false)
            .WithIconName("Flash")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>Writes the configuration (loopback, port, password, persistence, logs to the console) and gives the folder to the redis user.</summary>
    private static async Task PrepareServerAsync(LocalRedisResource server, int port, string password, CancellationToken cancellationToken)
    {
        var data = Path.Combine(server.DataRoot, "data");
        Directory.CreateDirectory(data);
        LocalSystem.AllowTraverse(server.DataRoot);
        await File.WriteAllTextAsync(server.ConfigurationFile, string.Join('\n',
            "bind 127.0.0.1",
            "protected-mode yes",
            $"port {port.ToString(CultureInfo.InvariantCulture)}",
            "daemonize no",
            "supervised no",
            "logfile \"\"",
            "loglevel warning",
            $"dir {data}",
            "appendonly yes",
            "appendfsync everysec",
            "maxmemory-policy noeviction",
            $"requirepass {password}",
            ""), cancellationToken);
        File.SetUnixFileMode(server.ConfigurationFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await LocalSystem.ChownAsync(LocalRedisResource.SystemUser, server.DataRoot, cancellationToken);
    }
}
