using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using EventBooking.AppHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace EventBooking.Testing;

/// <summary>What to start of the AppHost's model, and how.</summary>
public sealed record SystemUnderTestOptions
{
    /// <summary>The resources to run, with everything they wait for (e.g. <c>["bookings-api"]</c>, or <c>["postgres"]</c>); null runs everything.</summary>
    public IReadOnlyCollection<string>? Resources { get; init; }

    /// <summary>Replicas of each API (<c>EventBooking:Replicas</c>).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Replicas of the web (<c>EventBooking:WebReplicas</c>); they share sessions and keys through the <c>cache</c> resource.</summary>
    public int WebReplicas { get; init; } = 1;

    public bool SeedDemoData { get; init; }

    /// <summary>Local executables by default: fault injection kills and restarts their processes. Containers need a container runtime.</summary>
    public InfrastructureMode Infrastructure { get; init; } = InfrastructureMode.Local;

    /// <summary>
    /// Run the Aspire dashboard too, on free ports: every service exports its logs, metrics and traces to it, as under
    /// <c>dotnet run</c>, and its telemetry API answers (<see cref="SystemUnderTest.Telemetry"/>). Off: no telemetry is exported.
    /// </summary>
    public bool Dashboard { get; init; }

    /// <summary>Data directory of the local servers; by default a fresh temporary folder removed at the end.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Configuration for every project resource (environment variable names, e.g. <c>Bookings__HoldMinutes</c>).</summary>
    public Dictionary<string, string?> Environment { get; init; } = [];

    /// <summary>Configuration for one project resource, by resource name.</summary>
    public Dictionary<string, Dictionary<string, string?>> ServiceEnvironment { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>More AppHost arguments (configuration), e.g. <c>--DcpPublisher:DiagnosticsLogLevel=debug</c>.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];
}

/// <summary>
/// The system (or the part of it a test needs) started from <c>EventBooking.AppHost</c> through <c>Aspire.Hosting.Testing</c>:
/// the same model, resources and configuration as <c>dotnet run</c>, on free ports with throwaway data, local infrastructure.
/// It tells where each resource answers and controls them for fault injection: kill -9 of a resource's processes, stop and
/// start through the orchestrator's commands (the same ones the dashboard offers).
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TempDirectory? _temporaryData;
    private Task _watcher = Task.CompletedTask;
    private DashboardTelemetry? _telemetry;

    private SystemUnderTest(DistributedApplication app, SystemUnderTestOptions options, string dataDirectory, TempDirectory? temporaryData)
    {
        App = app;
        Options = options;
        DataDirectory = dataDirectory;
        _temporaryData = temporaryData;
    }

    public DistributedApplication App { get; }

    public SystemUnderTestOptions Options { get; }

    public string DataDirectory { get; }

    /// <summary>The SMTP catcher's Maildir (the local <c>smtp</c> resource writes one file per message in <c>new/</c>).</summary>
    public string Maildir => Path.Combine(DataDirectory, "smtp", "Maildir");

    /// <summary>
    /// The Aspire dashboard's address when it runs (<see cref="SystemUnderTestOptions.Dashboard"/>): the orchestrator's proxy in
    /// front of it, whose port the testing builder randomizes like every other.
    /// </summary>
    public Uri? DashboardUrl => Options.Dashboard ? App.GetEndpoint(DashboardResource, "http") : null;

    private const string DashboardResource = "aspire-dashboard";

    /// <summary>The dashboard's telemetry API (spans the services exported); requires <see cref="SystemUnderTestOptions.Dashboard"/>.</summary>
    public DashboardTelemetry Telemetry => _telemetry ??= new DashboardTelemetry(DashboardUrl ?? throw new InvalidOperationException("The dashboard does not run: start with Dashboard = true."));

    /// <summary>Time from the first call to every selected resource running and healthy.</summary>
    public TimeSpan StartTime { get; private set; }

    public static async Task<SystemUnderTest> StartAsync(SystemUnderTestOptions options, CancellationToken cancellationToken = default)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var temporary = options.DataDirectory is null ? new TempDirectory("eventbooking-system") : null;
        var dataDirectory = options.DataDirectory ?? temporary!.Path;
        string[] args =
        [
            $"--{Infrastructure.ModeKey}={options.Infrastructure}",
            $"--{Infrastructure.DataDirectoryKey}={dataDirectory}",
            $"--EventBooking:Replicas={options.Replicas}",
            $"--EventBooking:WebReplicas={options.WebReplicas}",
            $"--EventBooking:SeedDemoData={(options.SeedDemoData ? "true" : "false")}",
            .. !options.Dashboard ? Array.Empty<string>() :
            [
                // The launch profile's settings, on free ports so that a test never meets a developer's running AppHost.
                $"--ASPNETCORE_URLS=http://127.0.0.1:{LoopbackPorts.Free()}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{LoopbackPorts.Free()}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{LoopbackPorts.Free()}",
                "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
                "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            ],
            .. options.ExtraArgs,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.EventBooking_AppHost>(args,
            (application, _) => application.DisableDashboard = !options.Dashboard, cancellationToken);
        builder.Services.AddLogging(logging => logging.ClearProviders().AddProvider(new TestLogProvider()).SetMinimumLevel(LogLevel.Information));
        KeepOnly(builder, options.Resources);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context => Configure(context, project.Name, options));
        }

        var app = await builder.BuildAsync(cancellationToken);
        var system = new SystemUnderTest(app, options, dataDirectory, temporary);
        try
        {
            system._watcher = system.WatchAsync(system._stopping.Token);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            await app.StartAsync(timeout.Token);
            await Task.WhenAll(system.Selected().Select(resource => system.WaitHealthyAsync(resource.Name, timeout.Token)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var states = system.Describe();
            await system.DisposeAsync();
            throw new TimeoutException($"The system was not healthy within {options.StartTimeout}: {states}. Logs: {TestLog.Path}");
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        system.StartTime = stopwatch.Elapsed;
        return system;
    }

    /// <summary>The base address of a project or endpoint resource (its <c>http</c> endpoint; with replicas, the orchestrator's proxy in front of them).</summary>
    public Uri UrlOf(string resource, string endpoint = "http") => App.GetEndpoint(resource, endpoint);

    public HttpClient CreateClient(string resource) => new() { BaseAddress = UrlOf(resource), Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>
    /// A client of one replica of <paramref name="resource"/> (by index, wrapping around), bypassing the orchestrator's proxy:
    /// each request goes to where that replica listens at the time it is sent (a restarted replica may listen elsewhere).
    /// </summary>
    public HttpClient CreateReplicaClient(string resource, int replica) =>
        new(new ReplicaHandler(this, resource, replica)) { BaseAddress = UrlOf(resource), Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>Where each replica of a project listens itself (its <c>ASPNETCORE_URLS</c>), in instance order.</summary>
    public IReadOnlyList<Uri> ReplicaUrls(string resource) =>
        _latest.Values.Where(e => e.Resource.Name == resource && e.Snapshot.State?.Text == KnownResourceStates.Running)
            .OrderBy(e => e.ResourceId, StringComparer.Ordinal)
            .Select(OwnUrl)
            .OfType<Uri>()
            .ToList();

    /// <summary>Where an instance of a project listens itself: the first of its <c>ASPNETCORE_URLS</c>; null for a local server.</summary>
    private static Uri? OwnUrl(ResourceEvent instance) =>
        instance.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value is { } urls
            ? new Uri(urls.Split(';')[0])
            : null;

    /// <summary>
    /// The environment the orchestrator gave the first running instance of a project (its connection strings, its peers'
    /// addresses, its secrets): what a copy of that project started outside the AppHost needs (bench/Lighthouse runs the web's
    /// published build with it).
    /// </summary>
    public IReadOnlyDictionary<string, string?> EnvironmentOf(string resource) =>
        _latest.Values.Where(e => e.Resource.Name == resource && e.Snapshot.State?.Text == KnownResourceStates.Running)
            .OrderBy(e => e.ResourceId, StringComparer.Ordinal)
            .Select(e => e.Snapshot.EnvironmentVariables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal))
            .FirstOrDefault() ?? throw new InvalidOperationException($"{resource} has no running instance.");

    /// <summary>The connection string a service gets for <paramref name="resource"/> (a database, <c>messaging</c>, <c>smtp</c>, or a server).</summary>
    public async Task<string> ConnectionStringAsync(string resource, CancellationToken cancellationToken = default) =>
        await App.GetConnectionStringAsync(resource, cancellationToken) ?? throw new InvalidOperationException($"{resource} has no connection string.");

    /// <summary>The value of a parameter resource, e.g. a service identity's secret (<c>bookings-api-client-secret</c>).</summary>
    public async Task<string> ParameterAsync(string name, CancellationToken cancellationToken = default)
    {
        var parameter = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == name);
        return await parameter.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException($"{name} has no value.");
    }

    /// <summary>The secret of a service identity (OAuth2 client credentials), e.g. <c>bookings-api</c>.</summary>
    public Task<string> ClientSecretAsync(string client, CancellationToken cancellationToken = default) =>
        ParameterAsync(ServiceIdentities.SecretParameterName(client), cancellationToken);

    /// <summary>The running instances (replicas) of a resource: the orchestrator's id and the process id of each.</summary>
    public IReadOnlyList<ResourceInstance> Instances(string resource) =>
        _latest.Values.Where(e => e.Resource.Name == resource)
            .Select(e => new ResourceInstance(e.ResourceId, ProcessId(e), e.Snapshot.State?.Text, e.Snapshot.HealthStatus))
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>kill -9 of every process of every instance of <paramref name="resource"/> (a crash: no shutdown code runs).</summary>
    public async Task KillAsync(string resource, CancellationToken cancellationToken = default)
    {
        var instances = Instances(resource);
        foreach (var instance in instances)
        {
            ProcessTree.Kill(instance.ProcessId ?? throw new InvalidOperationException($"{instance.Id} has no process."));
        }

        await Task.WhenAll(instances.Select(instance => WaitForStateAsync(instance.Id, KnownResourceStates.TerminalStates, cancellationToken)));
    }

    /// <summary>
    /// Stops <paramref name="resource"/> (every instance) gracefully, as the dashboard's Stop does: SIGTERM to the root of each
    /// instance's process tree (the local servers turn it into their fast shutdown), SIGKILL to the tree after 20 s. Sent
    /// here rather than through the Stop command: on a loaded machine the orchestrator's own stop gives up after 15 s and
    /// leaves the resource in an unknown state, which would end the test rather than exercise the fault.
    /// </summary>
    public async Task StopAsync(string resource, CancellationToken cancellationToken = default)
    {
        var instances = Instances(resource);
        var trees = instances.Select(instance => instance.ProcessId ?? throw new InvalidOperationException($"{instance.Id} has no process."))
            .SelectMany(root => ProcessTree.Descendants(root).Prepend(root)).ToList();
        foreach (var instance in instances)
        {
            ProcessTree.Signal(instance.ProcessId!.Value, ProcessTree.Terminate);
        }

        try
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(TimeSpan.FromSeconds(20));
            await Task.WhenAll(instances.Select(instance => WaitForStateAsync(instance.Id, KnownResourceStates.TerminalStates, grace.Token)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync(resource, cancellationToken);
        }

        // Like the orchestrator: once the root has gone, nothing it started may linger.
        foreach (var pid in trees.Where(Processes.IsAlive))
        {
            ProcessTree.Kill(pid);
        }
    }

    /// <summary>
    /// Starts every stopped or crashed instance of <paramref name="resource"/> again and waits until each restarted instance
    /// answers its own <c>/health</c>, then until every instance is healthy.
    /// </summary>
    /// <remarks>
    /// The orchestrator's health of an instance is not enough on its own: it checks the resource's shared address (with
    /// replicas, the proxy, which the other replicas answer), and the snapshot of an instance that was just started again
    /// can still say Running and Healthy before its new process listens.
    /// </remarks>
    public async Task StartAsync(string resource, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(3));
        var stopped = Instances(resource).Where(i => i.State is not null && KnownResourceStates.TerminalStates.Contains(i.State)).ToList();
        foreach (var instance in stopped)
        {
            await ExecuteAsync(instance.Id, KnownResourceCommands.StartCommand, deadline.Token);
        }

        foreach (var instance in stopped)
        {
            await WaitAnswersAsync(instance, deadline.Token);
        }

        await WaitHealthyAsync(resource, deadline.Token);
    }

    /// <summary>
    /// Waits until a new process of <paramref name="stopped"/> runs and, for a project, until its own address answers
    /// <c>/health</c> with 200.
    /// </summary>
    private async Task WaitAnswersAsync(ResourceInstance stopped, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (_latest.TryGetValue(stopped.Id, out var current)
                && current.Snapshot.State?.Text == KnownResourceStates.Running
                && ProcessId(current) is { } pid && pid != stopped.ProcessId)
            {
                if (OwnUrl(current) is not { } url)
                {
                    return; // Not a project (a local server): its health check probes the instance's own port.
                }

                try
                {
                    using var response = await client.GetAsync(new Uri(url, "/health"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Not listening yet, or not ready to answer.
                }
            }

            if (_latest.TryGetValue(stopped.Id, out var failed) && failed.Snapshot.State?.Text == KnownResourceStates.FailedToStart)
            {
                throw new InvalidOperationException($"{stopped.Id} failed to start; see {TestLog.Path}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Waits until every instance of <paramref name="resource"/> runs and passes its health checks.</summary>
    public async Task WaitHealthyAsync(string resource, CancellationToken cancellationToken = default)
    {
        var expected = ExpectedInstances(resource);
        while (true)
        {
            var instances = Instances(resource);
            if (instances.Count >= expected && instances.All(i => i.State == KnownResourceStates.Running && i.Health == HealthStatus.Healthy))
            {
                return;
            }

            if (instances.FirstOrDefault(i => i.State == KnownResourceStates.FailedToStart || i.State == KnownResourceStates.Exited) is { } failed)
            {
                throw new InvalidOperationException($"{failed.Id} is {failed.State} instead of running; see {TestLog.Path}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Every instance's state and health, for failure messages.</summary>
    public string Describe() => string.Join(", ", _latest.Values.OrderBy(e => e.ResourceId, StringComparer.Ordinal)
        .Select(e => $"{e.ResourceId} {e.Snapshot.State?.Text ?? "?"}/{e.Snapshot.HealthStatus?.ToString() ?? "-"}"));

    private int ExpectedInstances(string resource) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource)
            .TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;

    private async Task ExecuteAsync(string resourceId, string command, CancellationToken cancellationToken)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resourceId, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} on {resourceId} failed: {result.Message}");
        }
    }

    private async Task WaitForStateAsync(string resourceId, IEnumerable<string> states, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        while (!(_latest.TryGetValue(resourceId, out var current) && current.Snapshot.State?.Text is { } state && states.Contains(state)))
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var resourceEvent in App.ResourceNotifications.WatchAsync(cancellationToken))
            {
                _latest[resourceEvent.ResourceId] = resourceEvent;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private IEnumerable<IResource> Selected() =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Where(r => r is not ParameterResource && r is IResourceWithEndpoints or IResourceWithConnectionString)
            // Resources that only start on demand (e.g. each project's "rebuilder") are not part of a running system.
            .Where(r => !r.HasAnnotationOfType<ExplicitStartupAnnotation>());

    private static int? ProcessId(ResourceEvent resourceEvent) =>
        resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
        {
            int pid => pid,
            long pid => (int)pid,
            string text when int.TryParse(text, out var pid) => pid,
            _ => null,
        };

    /// <summary>Removes what the test does not need: every resource that is not selected nor waited for by one that is.</summary>
    private static void KeepOnly(IDistributedApplicationTestingBuilder builder, IReadOnlyCollection<string>? names)
    {
        if (names is null)
        {
            return;
        }

        var keep = new HashSet<IResource>();
        var pending = new Stack<IResource>(builder.Resources.Where(r => names.Contains(r.Name)));
        if (pending.Count != names.Count)
        {
            throw new ArgumentException($"Unknown resources among {string.Join(", ", names)}.", nameof(names));
        }

        while (pending.TryPop(out var resource))
        {
            if (!keep.Add(resource))
            {
                continue;
            }

            foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
            {
                pending.Push(wait.Resource);
            }

            if (resource is IResourceWithParent child)
            {
                pending.Push(child.Parent);
            }
        }

        foreach (var resource in builder.Resources.Where(r => r is not ParameterResource && !keep.Contains(r)).ToList())
        {
            builder.Resources.Remove(resource);
        }
    }

    /// <summary>The test's configuration for a project, after the AppHost's own (it wins), and where its telemetry goes.</summary>
    private static void Configure(EnvironmentCallbackContext context, string resource, SystemUnderTestOptions options)
    {
        if (!options.Dashboard)
        {
            // Nobody listens: no exporter at all rather than one retrying against a closed port.
            foreach (var key in context.EnvironmentVariables.Keys.Where(k => k.StartsWith("OTEL_EXPORTER_OTLP", StringComparison.Ordinal)).ToList())
            {
                context.EnvironmentVariables.Remove(key);
            }
        }

        foreach (var (key, value) in options.Environment.Concat(options.ServiceEnvironment.GetValueOrDefault(resource) ?? []))
        {
            if (value is null)
            {
                context.EnvironmentVariables.Remove(key);
            }
            else
            {
                context.EnvironmentVariables[key] = value;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _watcher;
        await App.StopAsync();
        await App.DisposeAsync();
        _stopping.Dispose();
        _telemetry?.Dispose();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _temporaryData?.Dispose();
    }
}

/// <summary>Sends each request to one replica's own address (see <see cref="SystemUnderTest.CreateReplicaClient"/>).</summary>
internal sealed class ReplicaHandler(SystemUnderTest system, string resource, int replica) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var replicas = system.ReplicaUrls(resource);
        if (replicas.Count > 0 && request.RequestUri is { } uri)
        {
            var target = replicas[replica % replicas.Count];
            request.RequestUri = new UriBuilder(uri) { Host = target.Host, Port = target.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>One instance (replica) of a resource as the orchestrator reports it.</summary>
public sealed record ResourceInstance(string Id, int? ProcessId, string? State, HealthStatus? Health);
