using System.Runtime.Versioning;
using System.Globalization;
using Aspire.Hosting.Eventing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventBooking.AppHost.Local;

/// <summary>
/// PostgreSQL from the system's packages, run by the orchestrator as an executable: its own data directory (kept between
/// runs), its own port on 127.0.0.1, the <c>postgres</c> user when the AppHost runs as root. It offers the same
/// connection string as Aspire's PostgreSQL container (<c>Host=…;Port=…;Username=postgres;Password=…</c>).
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string dataRoot, ParameterResource password)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";
    internal const string UserName = "postgres";

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Where the server keeps its files: <c>data/</c> (the cluster) and <c>run/</c> (its socket).</summary>
    public string DataRoot { get; } = dataRoot;

    /// <summary>Databases of this server by resource name.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");

    internal void AddDatabase(string resourceName, string databaseName) => _databases.TryAdd(resourceName, databaseName);

    /// <summary>The same connection properties as Aspire's PostgreSQL server resource (injected as <c>{NAME}_HOST</c>, …).</summary>
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() => Properties(null);

    internal IEnumerable<KeyValuePair<string, ReferenceExpression>> Properties(string? databaseName)
    {
        var host = PrimaryEndpoint.Property(EndpointProperty.IPV4Host);
        var port = PrimaryEndpoint.Property(EndpointProperty.Port);
        var database = databaseName is null ? "" : "/" + Uri.EscapeDataString(databaseName);
        yield return new("Host", ReferenceExpression.Create($"{host}"));
        yield return new("Port", ReferenceExpression.Create($"{port}"));
        yield return new("Username", ReferenceExpression.Create($"{UserName}"));
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ReferenceExpression.Create($"postgresql://{UserName}:{PasswordParameter:uri}@{host}:{port}{database}"));
        yield return new("JdbcConnectionString", ReferenceExpression.Create($"jdbc:postgresql://{host}:{port}{database}"));
        if (databaseName is not null)
        {
            yield return new("DatabaseName", ReferenceExpression.Create($"{databaseName}"));
        }
    }
}

/// <summary>A database of a <see cref="LocalPostgresServerResource"/>, created when the server is ready.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() => Parent.Properties(DatabaseName);
}

[SupportedOSPlatform("linux")]
public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// Adds a PostgreSQL server run from the system's binaries (Debian's <c>postgresql</c> package). The cluster is created in
    /// <paramref name="dataRoot"/> on first start and kept; its password is the persisted generated parameter, re-applied at
    /// every start so kept data stays usable when the parameter changes.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var bin = FindBinDirectory();
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
        var port = LocalSystem.FreePort();
        // PostgreSQL's SIGTERM is a "smart" shutdown that waits for every client to leave (the services keep pooled
        // connections, so it would never end); a stop from the orchestrator becomes SIGINT, the "fast" shutdown.
        var (command, arguments) = LocalSystem.AsUser(LocalPostgresServerResource.UserName, "/bin/sh",
            ["-c", LocalSystem.Supervise("INT"), Path.Combine(bin ?? "/usr/lib/postgresql/15/bin", "postgres"), .. ServerArguments(bin, dataRoot, port)]);
        var server = new LocalPostgresServerResource(name, command, dataRoot, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            if (bin is null)
            {
                throw LocalSystem.Missing("PostgreSQL", "postgresql");
            }

            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            await PrepareClusterAsync(bin, server, await password.Resource.GetValueAsync(cancellationToken) ?? "", logger, cancellationToken);
        });
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, cancellationToken) =>
        {
            await CreateDatabasesAsync(server, connectionString!, cancellationToken);
            // Child resources of an executable do not follow its state by themselves (only a container's do).
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in builder.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server))
            {
                await notifications.PublishUpdateAsync(database, state => state with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
            }
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException("The connection string is not known yet.")) + ";Database=postgres",
            name: healthCheck);

        return builder.AddResource(server)
            .WithArgs(arguments)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalPostgresServerResource.EndpointName, isProxied: false)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>Adds a database that is created on the server when it is ready (kept if it exists).</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, string name, string? databaseName = null)
    {
        databaseName ??= name;
        server.Resource.AddDatabase(name, databaseName);
        var database = new LocalPostgresDatabaseResource(name, databaseName, server.Resource);

        string? connectionString = null;
        server.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, cancellationToken) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheck = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not known yet."), name: healthCheck);

        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("database", databaseName)],
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>The newest installed PostgreSQL's bin directory (Debian keeps one per major version).</summary>
    public static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var newest = Directory.GetDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return Path.Combine(newest, "bin");
            }
        }

        return LocalSystem.Which("postgres") is { } postgres ? Path.GetDirectoryName(postgres) : null;
    }

    private static string[] ServerArguments(string? bin, string dataRoot, int port)
    {
        List<string> arguments =
        [
            "-D", Path.Combine(dataRoot, "data"), "-p", port.ToString(CultureInfo.InvariantCulture), "-k", Path.Combine(dataRoot, "run"),
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=400", "-c", "shared_buffers=256MB",
            "-c", "logging_collector=off", "-c", "log_min_messages=warning",
        ];
        if (bin is not null && File.Exists(Path.Combine(bin, "..", "lib", "pg_stat_statements.so")))
        {
            // Statement statistics for profiling (CREATE EXTENSION pg_stat_statements in a database to read them; bench/Load does).
            arguments.AddRange(["-c", "shared_preload_libraries=pg_stat_statements"]);
        }

        return [.. arguments];
    }

    /// <summary>
    /// Creates the cluster on first start (initdb with the password, scram-sha-256 over TCP, trust on the private socket) and,
    /// on later starts, makes the stored password the parameter's again (single-user mode, before the server listens).
    /// </summary>
    private static async Task PrepareClusterAsync(string bin, LocalPostgresServerResource server, string password, ILogger logger, CancellationToken cancellationToken)
    {
        var data = Path.Combine(server.DataRoot, "data");
        var applied = Path.Combine(server.DataRoot, "password");
        Directory.CreateDirectory(Path.Combine(server.DataRoot, "run"));
        LocalSystem.AllowTraverse(server.DataRoot);
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            logger.LogInformation("Creating a PostgreSQL cluster in {Directory}", data);
            await File.WriteAllTextAsync(applied, password, cancellationToken);
            File.SetUnixFileMode(applied, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await LocalSystem.ChownAsync(LocalPostgresServerResource.UserName, server.DataRoot, cancellationToken);
            var (initdb, arguments) = LocalSystem.AsUser(LocalPostgresServerResource.UserName, Path.Combine(bin, "initdb"),
                "-D", data, "-U", LocalPostgresServerResource.UserName, "--pwfile", applied,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8");
            await LocalSystem.RunAsync(initdb, arguments, cancellationToken);
            return;
        }

        await LocalSystem.ChownAsync(LocalPostgresServerResource.UserName, server.DataRoot, cancellationToken);
        if (File.Exists(applied) && (await File.ReadAllTextAsync(applied, cancellationToken)) == password)
        {
            return;
        }

        logger.LogInformation("Applying the postgres password parameter to the kept cluster");
        var (single, singleArguments) = LocalSystem.AsUser(LocalPostgresServerResource.UserName, Path.Combine(bin, "postgres"),
            "--single", "-D", data, "postgres");
        var literal = password.Replace("'", "''", StringComparison.Ordinal);
        await LocalSystem.RunAsync(single, singleArguments, cancellationToken, $"ALTER ROLE postgres WITH PASSWORD '{literal}';\n");
        await File.WriteAllTextAsync(applied, password, cancellationToken);
    }

    private static async Task CreateDatabasesAsync(LocalPostgresServerResource server, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
        await connection.OpenAsync(cancellationToken);
        foreach (var database in server.Databases.Values)
        {
            await using var command = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(database)}", connection);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Kept from an earlier run.
            }
        }
    }
}
