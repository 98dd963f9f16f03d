using System.Diagnostics;
using EventBooking.AppHost.Containers;
using EventBooking.AppHost.Local;
using Microsoft.Extensions.Configuration;

namespace EventBooking.AppHost;

/// <summary>Where PostgreSQL, RabbitMQ, MongoDB, the mail catcher and Redis come from.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers, local executables otherwise.</summary>
    Auto,
    /// <summary>Containers: Aspire's PostgreSQL, RabbitMQ (management plugin) and Redis, MongoDB, Mailpit.</summary>
    Containers,
    /// <summary>The system's own PostgreSQL, RabbitMQ, aiosmtpd and Redis as executables; documents in PostgreSQL.</summary>
    Local,
}

/// <summary>
/// The infrastructure resources every service references, by the architecture's resource names. Both modes inject the same
/// <c>ConnectionStrings__*</c> into the services, so a service cannot tell which one it got — except that
/// <c>eventsdb</c>/<c>notificationsdb</c> are <c>mongodb://</c> URIs with containers and PostgreSQL databases locally.
/// </summary>
public sealed record Infrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> UsersDb,
    IResourceBuilder<IResourceWithConnectionString> BookingsDb,
    IResourceBuilder<IResourceWithConnectionString> EventsDb,
    IResourceBuilder<IResourceWithConnectionString> NotificationsDb,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    IResourceBuilder<IResourceWithConnectionString> Smtp,
    IResourceBuilder<IResourceWithConnectionString> Cache)
{
    /// <summary>Configuration key that forces a mode: <c>EventBooking:Infrastructure</c> = <c>auto</c> | <c>containers</c> | <c>local</c>.</summary>
    public const string ModeKey = "EventBooking:Infrastructure";

    /// <summary>Where local servers keep their data: <c>EventBooking:DataDirectory</c>, by default <c>.data/</c> at the repository root.</summary>
    public const string DataDirectoryKey = "EventBooking:DataDirectory";

    public static Infrastructure Add(IDistributedApplicationBuilder builder)
    {
        var mode = ChooseMode(builder);
        if (mode == InfrastructureMode.Containers)
        {
            return AddContainers(builder);
        }

        return OperatingSystem.IsLinux()
            ? AddLocal(builder, DataDirectory(builder))
            : throw new DistributedApplicationException("No container runtime answered, and local infrastructure needs Linux (Debian's postgresql, rabbitmq-server, python3-aiosmtpd, redis-server). Start Docker or Podman.");
    }

    /// <summary>The data directory of the local servers (absolute).</summary>
    public static string DataDirectory(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration[DataDirectoryKey] ?? Path.Combine(builder.AppHostDirectory, "..", ".data"));

    private static Infrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres(ResourceNames.Postgres).WithDataVolume();
        var mongo = builder.AddMongoDBContainer(ResourceNames.Mongo);
        var messaging = builder.AddRabbitMQ(ResourceNames.Messaging).WithManagementPlugin().WithDataVolume();
        var smtp = builder.AddMailpit(ResourceNames.Smtp);
        var cache = builder.AddRedis(ResourceNames.Cache).WithDataVolume().WithPersistence();
        return new Infrastructure(InfrastructureMode.Containers,
            postgres.AddDatabase(ResourceNames.UsersDb), postgres.AddDatabase(ResourceNames.BookingsDb),
            mongo.AddDatabase(ResourceNames.EventsDb), mongo.AddDatabase(ResourceNames.NotificationsDb),
            messaging, smtp, cache);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static Infrastructure AddLocal(IDistributedApplicationBuilder builder, string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var postgres = builder.AddLocalPostgres(ResourceNames.Postgres, Path.Combine(dataDirectory, "postgres"));
        var messaging = builder.AddLocalRabbitMQ(ResourceNames.Messaging, Path.Combine(dataDirectory, "rabbitmq"));
        var smtp = builder.AddLocalSmtp(ResourceNames.Smtp, Path.Combine(dataDirectory, "smtp"));
        var cache = builder.AddLocalRedis(ResourceNames.Cache, Path.Combine(dataDirectory, "redis"));
        return new Infrastructure(InfrastructureMode.Local,
            postgres.AddDatabase(ResourceNames.UsersDb), postgres.AddDatabase(ResourceNames.BookingsDb),
            postgres.AddDatabase(ResourceNames.EventsDb), postgres.AddDatabase(ResourceNames.NotificationsDb),
            messaging, smtp, cache);
    }

    /// <summary>
    /// Publishing always describes containers (a deployment has no local executables). Running takes the forced mode, or
    /// containers when the configured runtime (<c>ASPIRE_CONTAINER_RUNTIME</c>, else docker, then podman) answers <c>info</c>.
    /// </summary>
    private static InfrastructureMode ChooseMode(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        var forced = builder.Configuration.GetValue(ModeKey, InfrastructureMode.Auto);
        if (forced != InfrastructureMode.Auto)
        {
            return forced;
        }

        var configured = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? builder.Configuration["DcpPublisher:ContainerRuntime"];
        return ContainerRuntimeAnswers(configured) ? InfrastructureMode.Containers : InfrastructureMode.Local;
    }

    /// <summary>Whether <paramref name="configured"/> (or, when null, docker then podman) answers <c>info</c>: a container engine runs.</summary>
    public static bool ContainerRuntimeAnswers(string? configured = null)
    {
        string[] runtimes = configured is { Length: > 0 } ? [configured] : ["docker", "podman"];
        return runtimes.Any(RuntimeAnswers);
    }

    private static bool RuntimeAnswers(string runtime)
    {
        if (LocalSystem.Which(runtime) is not { } path)
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
