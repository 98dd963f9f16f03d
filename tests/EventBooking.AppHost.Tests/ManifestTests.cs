using System.Diagnostics;
using System.Text.Json;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.AppHost.Tests;

/// <summary>
/// The deployment manifest (what <c>azd up</c> consumes) is produced by the AppHost itself and describes the container
/// topology: every resource, every reference, and nothing that only exists on a machine without containers.
/// </summary>
public sealed class ManifestTests
{
    /// <summary>What each project is given: connection strings and peers (service discovery), as in the AppHost.</summary>
    private static readonly Dictionary<string, (string[] ConnectionStrings, string[] Services)> References = new()
    {
        [ResourceNames.UsersApi] = ([ResourceNames.UsersDb, ResourceNames.Cache, ResourceNames.Messaging], []),
        [ResourceNames.EventsApi] = ([ResourceNames.EventsDb, ResourceNames.Messaging], [ResourceNames.UsersApi]),
        [ResourceNames.BookingsApi] = ([ResourceNames.BookingsDb, ResourceNames.Messaging, ResourceNames.Cache], [ResourceNames.UsersApi, ResourceNames.EventsApi]),
        [ResourceNames.NotificationsApi] = ([ResourceNames.NotificationsDb, ResourceNames.Messaging, ResourceNames.Smtp, ResourceNames.Cache],
            [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi]),
        [ResourceNames.Web] = ([ResourceNames.Cache], [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi]),
    };

    [Fact]
    public async Task The_published_manifest_has_every_resource_and_reference_as_containers_and_no_local_executable()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("eventbooking-manifest");
        var manifestPath = Path.Combine(directory.Path, "aspire-manifest.json");
        var output = await PublishAsync(manifestPath, cancellationToken);
        Assert.True(File.Exists(manifestPath), $"the AppHost wrote no manifest: {output}");

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath, cancellationToken));
        var resources = manifest.RootElement.GetProperty("resources").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        string TypeOf(string name) => resources.TryGetValue(name, out var resource) ? resource.GetProperty("type").GetString()! : "(missing)";

        Assert.DoesNotContain(resources, r => r.Value.GetProperty("type").GetString()!.StartsWith("executable", StringComparison.Ordinal));
        foreach (var container in new[] { ResourceNames.Postgres, ResourceNames.Mongo, ResourceNames.Messaging, ResourceNames.Smtp, ResourceNames.Cache })
        {
            Assert.Equal("container.v0", TypeOf(container));
        }

        Assert.Contains("management", resources[ResourceNames.Messaging].GetProperty("image").GetString(), StringComparison.Ordinal);
        foreach (var database in new[] { ResourceNames.UsersDb, ResourceNames.BookingsDb, ResourceNames.EventsDb, ResourceNames.NotificationsDb })
        {
            Assert.Equal("value.v0", TypeOf(database));
            Assert.False(string.IsNullOrEmpty(resources[database].GetProperty("connectionString").GetString()), database);
        }

        Assert.StartsWith("mongodb://", resources[ResourceNames.EventsDb].GetProperty("connectionString").GetString(), StringComparison.Ordinal);
        foreach (var (project, (connectionStrings, services)) in References)
        {
            Assert.Equal("project.v0", TypeOf(project));
            var env = resources[project].GetProperty("env").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetString());
            foreach (var connection in connectionStrings)
            {
                Assert.Equal($"{{{connection}.connectionString}}", env.GetValueOrDefault($"ConnectionStrings__{connection}"));
            }

            foreach (var service in services)
            {
                Assert.Equal($"{{{service}.bindings.http.url}}", env.GetValueOrDefault($"services__{service}__http__0"));
            }

            if (project != ResourceNames.UsersApi)
            {
                Assert.Equal($"{{{project}-client-secret.value}}", env.GetValueOrDefault("Identity__ClientSecret"));
                Assert.Equal($"{{{project}-client-secret.value}}", resources[ResourceNames.UsersApi].GetProperty("env").GetProperty($"Identity__Clients__{project}__Secret").GetString());
            }
        }

        Assert.True(resources[ResourceNames.Web].GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean(), "the web is reachable from outside");
        Assert.Equal("parameter.v0", TypeOf("postgres-password"));
        Assert.True(resources["bookings-api-client-secret"].GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        // The web's key ring is encrypted at rest with a certificate the deployment supplies as a secret.
        Assert.Equal($"{{{DataProtectionCertificate.ParameterName}.value}}",
            resources[ResourceNames.Web].GetProperty("env").GetProperty(DataProtectionCertificate.EnvironmentVariable).GetString());
        Assert.True(resources[DataProtectionCertificate.ParameterName].GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        // The web presents the forwarding secret with the browser's address; the APIs check it (a secret input of the deployment).
        foreach (var project in References.Keys)
        {
            Assert.Equal($"{{{TrustedForwarder.SecretParameterName}.value}}", resources[project].GetProperty("env").GetProperty("Forwarding__Secret").GetString());
        }

        Assert.True(resources[TrustedForwarder.SecretParameterName].GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
    }

    /// <summary>Runs the built AppHost the way azd does: <c>--publisher manifest --output-path …</c>.</summary>
    private static async Task<string> PublishAsync(string manifestPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "run", "--no-build", "--project", Projects.EventBooking_AppHost.ProjectPath, "--", "--publisher", "manifest", "--output-path", manifestPath },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return $"exit {process.ExitCode}: {await output}{await error}";
    }
}
