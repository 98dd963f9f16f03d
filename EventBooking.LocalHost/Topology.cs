using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using EventBooking.LocalHost.Infrastructure;

namespace EventBooking.LocalHost;

public sealed class TopologyOptions
{
    /// <summary>Where the servers keep their data (kept between runs unless <see cref="Reset"/>).</summary>
    public required string DataDirectory { get; init; }
    public bool Reset { get; init; }
    /// <summary>Replicas of each API (web always runs once).</summary>
    public int Replicas { get; init; } = 1;
    /// <summary>Start the services too, or only the infrastructure.</summary>
    public bool StartServices { get; init; } = true;
    /// <summary>Only these services (by resource name); null starts all.</summary>
    public IReadOnlyCollection<string>? Services { get; init; }
    public bool SeedDemoData { get; init; }
    public string EnvironmentName { get; init; } = "Development";
    /// <summary>Use a local mongod for the document stores when one is on PATH (null: when found).</summary>
    public bool? UseMongo { get; init; }
    public LogSink Log { get; init; } = static (_, _) => { };
    /// <summary>Extra configuration for every service (environment variable names, e.g. <c>Bookings__HoldMinutes</c>).</summary>
    public Dictionary<string, string?> Environment { get; init; } = [];
    /// <summary>Extra configuration per service.</summary>
    public Dictionary<string, Dictionary<string, string?>> ServiceEnvironment { get; init; } = [];
}

/// <summary>
/// The whole EventBooking topology as local processes: PostgreSQL, RabbitMQ, an SMTP catcher
/// (and mongod when present), then the services in dependency order, configured exactly as the
/// Aspire AppHost configures them. Disposing it stops everything.
/// </summary>
public sealed class Topology : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, List<ServiceProcess>> _services = new();
    private readonly List<IAsyncDisposable> _infrastructure = [];

    private Topology(TopologyOptions options) => Options = options;

    public TopologyOptions Options { get; }
    public PostgresServer Postgres { get; private set; } = null!;
    public RabbitMqServer RabbitMq { get; private set; } = null!;
    public SmtpServer Smtp { get; private set; } = null!;
    public MongoServer? Mongo { get; private set; }
    public IReadOnlyDictionary<string, string> ClientSecrets { get; private set; } = new Dictionary<string, string>();
    public TimeSpan InfrastructureStartTime { get; private set; }
    public TimeSpan StartTime { get; private set; }

    public IReadOnlyDictionary<string, IReadOnlyList<ServiceProcess>> Services =>
        _services.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ServiceProcess>)kv.Value);

    /// <summary>The first replica's base URL of a service.</summary>
    public Uri UrlOf(string service) => _services[service][0].Url;

    /// <summary>The connection string the services get for a database or resource name.</summary>
    public string ConnectionStringOf(string name) => name switch
    {
        ResourceNames.Messaging => RabbitMq.ConnectionString,
        ResourceNames.Smtp => Smtp.ConnectionString,
        ResourceNames.EventsDb or ResourceNames.NotificationsDb when Mongo is not null => Mongo.ConnectionString(name),
        _ => Postgres.ConnectionString(name),
    };

    public static async Task<Topology> StartAsync(TopologyOptions options, CancellationToken cancellationToken = default)
    {
        var topology = new Topology(options);
        try
        {
            await topology.StartInternalAsync(cancellationToken);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    private async Task StartInternalAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var root = Path.GetFullPath(Options.DataDirectory);
        if (Options.Reset && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        // Servers running as their own users must be able to reach their folders.
        File.SetUnixFileMode(root, File.GetUnixFileMode(root) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);

        var useMongo = Options.UseMongo ?? MongoServer.FindBinary() is not null;
        var postgres = PostgresServer.StartAsync(Path.Combine(root, "postgres"), Options.Log, cancellationToken: cancellationToken);
        var rabbit = RabbitMqServer.StartAsync(Path.Combine(root, "rabbitmq"), Options.Log, cancellationToken);
        var smtp = SmtpServer.StartAsync(Path.Combine(root, "smtp"), Options.Log, cancellationToken: cancellationToken);
        var mongo = useMongo ? MongoServer.StartAsync(Path.Combine(root, "mongo"), Options.Log, cancellationToken) : Task.FromResult<MongoServer?>(null)!;
        try
        {
            await Task.WhenAll(postgres, rabbit, smtp, mongo);
        }
        finally
        {
            // Whatever started must be stopped even if another server failed.
            foreach (var task in new Task[] { postgres, rabbit, smtp, mongo })
            {
                if (task.IsCompletedSuccessfully && task is Task<PostgresServer> p) { Postgres = p.Result; _infrastructure.Add(p.Result); }
                if (task.IsCompletedSuccessfully && task is Task<RabbitMqServer> r) { RabbitMq = r.Result; _infrastructure.Add(r.Result); }
                if (task.IsCompletedSuccessfully && task is Task<SmtpServer> s) { Smtp = s.Result; _infrastructure.Add(s.Result); }
                if (task.IsCompletedSuccessfully && task is Task<MongoServer?> { Result: { } m }) { Mongo = m; _infrastructure.Add(m); }
            }
        }

        await Postgres.EnsureDatabasesAsync(
            Mongo is null
                ? [ResourceNames.UsersDb, ResourceNames.BookingsDb, ResourceNames.EventsDb, ResourceNames.NotificationsDb]
                : [ResourceNames.UsersDb, ResourceNames.BookingsDb],
            cancellationToken);
        ClientSecrets = await LoadOrCreateSecretsAsync(Path.Combine(root, "client-secrets.json"), cancellationToken);
        InfrastructureStartTime = stopwatch.Elapsed;

        if (Options.StartServices)
        {
            foreach (var wave in ServiceCatalog.All.Where(IsSelected).GroupBy(s => s.StartWave).OrderBy(g => g.Key))
            {
                await Task.WhenAll(wave.Select(definition => StartServiceAsync(definition, cancellationToken)));
            }
        }

        StartTime = stopwatch.Elapsed;
    }

    private bool IsSelected(ServiceDefinition definition) => Options.Services is null || Options.Services.Contains(definition.Name);

    private async Task StartServiceAsync(ServiceDefinition definition, CancellationToken cancellationToken)
    {
        var project = ProjectLocator.Find(definition.Name);
        var replicas = definition.Name == ResourceNames.Web ? 1 : Math.Max(1, Options.Replicas);
        var ports = Enumerable.Range(0, replicas).Select(_ => Platform.FreePort()).ToList();
        var list = _services.GetOrAdd(definition.Name, _ => []);
        var environment = EnvironmentFor(definition);
        var started = new List<ServiceProcess>();
        for (var i = 0; i < replicas; i++)
        {
            var name = replicas == 1 ? definition.Name : $"{definition.Name}-{i}";
            var replicaEnvironment = new Dictionary<string, string?>(environment) { ["EventBooking__ReplicaId"] = name };
            var process = ServiceProcess.Start(name, project, ports[i], replicaEnvironment, Options.Log);
            lock (list)
            {
                list.Add(process);
            }

            started.Add(process);
        }

        await Task.WhenAll(started.Select(p => p.WaitHealthyAsync(TimeSpan.FromSeconds(90), cancellationToken)));
    }

    /// <summary>The configuration a service gets: Aspire's formats, as the AppHost injects it.</summary>
    public Dictionary<string, string?> EnvironmentFor(ServiceDefinition definition)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = Options.EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = Options.EnvironmentName,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = System.Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"),
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var database in definition.PostgresDatabases.Concat(definition.DocumentDatabases))
        {
            environment[$"ConnectionStrings__{database}"] = ConnectionStringOf(database);
        }

        if (definition.UsesMessaging)
        {
            environment[$"ConnectionStrings__{ResourceNames.Messaging}"] = RabbitMq.ConnectionString;
        }

        if (definition.UsesSmtp)
        {
            environment[$"ConnectionStrings__{ResourceNames.Smtp}"] = Smtp.ConnectionString;
        }

        foreach (var reference in definition.ServiceReferences)
        {
            if (_services.TryGetValue(reference, out var replicas))
            {
                for (var i = 0; i < replicas.Count; i++)
                {
                    environment[$"services__{reference}__http__{i.ToString(CultureInfo.InvariantCulture)}"] = replicas[i].Url.ToString().TrimEnd('/');
                }
            }
        }

        // Service identities: users-api knows every client's secret; each client knows its own.
        if (definition.Name == ResourceNames.UsersApi)
        {
            foreach (var (client, secret) in ClientSecrets)
            {
                environment[$"Identity__Clients__{client}__Secret"] = secret;
            }
        }
        else if (ClientSecrets.TryGetValue(definition.Name, out var own))
        {
            environment["Identity__ClientId"] = definition.Name;
            environment["Identity__ClientSecret"] = own;
        }

        if (Options.SeedDemoData)
        {
            environment["EventBooking__SeedDemoData"] = "true";
        }

        foreach (var (key, value) in Options.Environment)
        {
            environment[key] = value;
        }

        if (Options.ServiceEnvironment.TryGetValue(definition.Name, out var specific))
        {
            foreach (var (key, value) in specific)
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    private static async Task<IReadOnlyDictionary<string, string>> LoadOrCreateSecretsAsync(string path, CancellationToken cancellationToken)
    {
        Dictionary<string, string> secrets = [];
        if (File.Exists(path))
        {
            secrets = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(path, cancellationToken)) ?? [];
        }

        var changed = false;
        foreach (var client in ServiceCatalog.ServiceClients)
        {
            if (!secrets.ContainsKey(client))
            {
                secrets[client] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                changed = true;
            }
        }

        if (changed)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(secrets), cancellationToken);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return secrets;
    }

    /// <summary>Every process this topology started (for checks that nothing survives).</summary>
    public IReadOnlyList<int> ProcessIds()
    {
        var ids = new List<int>();
        if (Postgres is not null) { ids.Add(Postgres.Process.Id); }
        if (RabbitMq is not null) { ids.Add(RabbitMq.Process.Id); }
        if (Smtp is not null) { ids.Add(Smtp.Process.Id); }
        if (Mongo is not null) { ids.Add(Mongo.Process.Id); }
        ids.AddRange(_services.Values.SelectMany(list => list).Select(s => s.Process.Id));
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse dependency order: web and the APIs first, then the servers.
        foreach (var wave in ServiceCatalog.All.GroupBy(s => s.StartWave).OrderByDescending(g => g.Key))
        {
            await Task.WhenAll(wave.SelectMany(definition => _services.TryGetValue(definition.Name, out var list) ? list : [])
                .Select(process => process.DisposeAsync().AsTask()));
        }

        await Task.WhenAll(_infrastructure.Select(resource => resource.DisposeAsync().AsTask()));
    }
}

/// <summary>Finds the build output of each service (recorded at build time, like Aspire's <c>Projects.*</c> metadata).</summary>
public static class ProjectLocator
{
    public static ProjectInfo Find(string resourceName)
    {
        var attributes = typeof(ProjectLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToList();
        var entry = attributes.FirstOrDefault(a => a.Key == $"EventBooking.Project:{resourceName}")?.Value
            ?? throw new InvalidOperationException($"No project is registered for resource '{resourceName}'.");
        var configuration = attributes.First(a => a.Key == "EventBooking.Configuration").Value!;
        var targetFramework = attributes.First(a => a.Key == "EventBooking.TargetFramework").Value!;
        var parts = entry.Split('|');
        var directory = Path.GetFullPath(parts[0]);
        return new ProjectInfo(Path.Combine(directory, "bin", configuration, targetFramework, parts[1] + ".dll"), directory);
    }

    /// <summary>The repository root (the folder holding EventBooking.sln).</summary>
    public static string RepositoryRoot()
    {
        var directory = Path.GetFullPath(Path.Combine(Find(ResourceNames.UsersApi).ProjectDirectory, "..", ".."));
        return directory;
    }
}
