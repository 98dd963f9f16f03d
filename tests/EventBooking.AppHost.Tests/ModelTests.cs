using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EventBooking.AppHost.Tests;

/// <summary>
/// The AppHost's model under both infrastructure modes (built, not started: no container runtime is needed to build the
/// container model): the same resource names, and every service given the same configuration keys.
/// </summary>
public sealed class ModelTests
{
    /// <summary>The documents' databases are MongoDB with containers and PostgreSQL locally: their connection properties differ.</summary>
    private static readonly string[] DocumentDatabasePrefixes = ["EVENTSDB_", "NOTIFICATIONSDB_"];

    [Fact]
    public async Task Both_infrastructure_modes_have_the_architecture_resources_and_give_each_service_the_same_configuration_keys()
    {
        var local = await ModelAsync(InfrastructureMode.Local);
        var containers = await ModelAsync(InfrastructureMode.Containers);

        string[] everywhere = [ResourceNames.Postgres, ResourceNames.Messaging, ResourceNames.Smtp, ResourceNames.Cache,
            ResourceNames.UsersDb, ResourceNames.BookingsDb, ResourceNames.EventsDb, ResourceNames.NotificationsDb,
            ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi, ResourceNames.Web];
        Assert.All(everywhere, name => Assert.Contains(name, local.Resources.Keys));
        Assert.All(everywhere, name => Assert.Contains(name, containers.Resources.Keys));
        Assert.Contains(ResourceNames.Mongo, containers.Resources.Keys);
        Assert.DoesNotContain(ResourceNames.Mongo, local.Resources.Keys);
        Assert.IsAssignableFrom<ContainerResource>(containers.Resources[ResourceNames.Postgres]);
        Assert.IsAssignableFrom<ExecutableResource>(local.Resources[ResourceNames.Postgres]);
        Assert.IsType<RedisResource>(containers.Resources[ResourceNames.Cache]);
        Assert.IsAssignableFrom<ExecutableResource>(local.Resources[ResourceNames.Cache]);

        foreach (var project in new[] { ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi, ResourceNames.Web })
        {
            var localKeys = local.Environment[project].Where(Comparable).Order().ToList();
            var containerKeys = containers.Environment[project].Where(Comparable).Order().ToList();
            Assert.Equal(containerKeys, localKeys);
            Assert.Contains(localKeys, key => key.StartsWith("services__", StringComparison.Ordinal) || project == ResourceNames.UsersApi);
        }

        Assert.Contains("ConnectionStrings__smtp", local.Environment[ResourceNames.NotificationsApi]);
        // Every API follows the session revocations in Redis; the web keeps its sessions there.
        foreach (var project in new[] { ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi, ResourceNames.Web })
        {
            Assert.Contains("ConnectionStrings__cache", local.Environment[project]);
        }

        Assert.Contains(DataProtectionCertificate.EnvironmentVariable, local.Environment[ResourceNames.Web]);
        Assert.Contains("Identity__Clients__web__Secret", local.Environment[ResourceNames.UsersApi]);
        foreach (var limited in new[] { ResourceNames.UsersApi, ResourceNames.BookingsApi })
        {
            Assert.Contains("ConnectionStrings__cache", local.Environment[limited]);
        }

        Assert.Contains("Forwarding__Secret", local.Environment[ResourceNames.Web]);
        Assert.DoesNotContain("Forwarding__KnownNetworks__0", local.Environment[ResourceNames.Web]);
        foreach (var api in new[] { ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi })
        {
            Assert.Contains("Forwarding__Secret", local.Environment[api]);
            Assert.Contains("Forwarding__KnownNetworks__0", local.Environment[api]);
        }
    }

    private static bool Comparable(string key) => !DocumentDatabasePrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal));

    private static async Task<(Dictionary<string, IResource> Resources, Dictionary<string, HashSet<string>> Environment)> ModelAsync(InfrastructureMode mode)
    {
        using var data = new EventBooking.Testing.TempDirectory("eventbooking-model");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.EventBooking_AppHost>(
            [$"--{Infrastructure.ModeKey}={mode}", $"--{Infrastructure.DataDirectoryKey}={data.Path}"], TestContext.Current.CancellationToken);
        var environment = new Dictionary<string, HashSet<string>>();
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // Publish-mode values are expressions ({postgres.bindings.tcp.port}): nothing needs to be running to read them.
            var configuration = await ExecutionConfigurationBuilder.Create(project).WithEnvironmentVariablesConfig()
                .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, TestContext.Current.CancellationToken);
            environment[project.Name] = [.. configuration.EnvironmentVariables.Select(variable => variable.Key)];
        }

        return (builder.Resources.ToDictionary(r => r.Name), environment);
    }
}
