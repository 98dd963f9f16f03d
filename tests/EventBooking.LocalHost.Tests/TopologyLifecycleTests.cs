using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using EventBooking.LocalHost;
using EventBooking.Testing;
using Npgsql;
using Xunit;

namespace EventBooking.LocalHost.Tests;

public sealed class TopologyLifecycleTests
{
    /// <summary>One real endpoint per service that reads its store, called as the demo attendee.</summary>
    private static readonly Dictionary<string, string> StoreEndpoints = new()
    {
        [ResourceNames.UsersApi] = "/api/users/me",
        [ResourceNames.EventsApi] = "/api/events",
        [ResourceNames.BookingsApi] = "/api/bookings",
        [ResourceNames.NotificationsApi] = "/api/notifications",
        [ResourceNames.Web] = "/",
    };

    [Fact]
    public async Task Whole_topology_starts_healthy_stops_without_leftovers_and_restarts_on_its_data()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("eventbooking-localhost");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var options = new TopologyOptions { DataDirectory = directory.Path, Log = TestLog.Write, SeedDemoData = true };

        TimeSpan coldStart;
        IReadOnlyList<int> processIds;
        await using (var topology = await Topology.StartAsync(options, cancellationToken))
        {
            coldStart = topology.StartTime;
            using var login = await http.PostAsJsonAsync(new Uri(topology.UrlOf(ResourceNames.UsersApi), "/api/users/login"),
                new { email = DemoData.AttendeeEmail, password = DemoData.Password }, cancellationToken);
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("accessToken").GetString();
            Assert.Equal(ServiceCatalog.All.Select(s => s.Name).Order(), topology.Services.Keys.Order());
            foreach (var (name, replicas) in topology.Services)
            {
                var url = Assert.Single(replicas).Url;
                Assert.Equal("Healthy", await http.GetStringAsync(new Uri(url, "/health"), cancellationToken));
                Assert.Equal("Healthy", await http.GetStringAsync(new Uri(url, "/alive"), cancellationToken));
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, StoreEndpoints[name]));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, cancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name} {StoreEndpoints[name]} answered {(int)response.StatusCode}");
            }

            // Every database exists and the broker accepts AMQP connections.
            foreach (var database in new[] { ResourceNames.UsersDb, ResourceNames.BookingsDb, ResourceNames.EventsDb, ResourceNames.NotificationsDb })
            {
                await using var connection = new NpgsqlConnection(topology.ConnectionStringOf(database));
                await connection.OpenAsync(cancellationToken);
            }

            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(topology.RabbitMq.ConnectionString) };
            await using (var amqp = await factory.CreateConnectionAsync(cancellationToken))
            {
                Assert.True(amqp.IsOpen);
            }

            await using (var connection = new NpgsqlConnection(topology.ConnectionStringOf(ResourceNames.UsersDb)))
            {
                await connection.OpenAsync(cancellationToken);
                await using var marker = new NpgsqlCommand("CREATE TABLE localhost_marker (value text); INSERT INTO localhost_marker VALUES ('kept')", connection);
                await marker.ExecuteNonQueryAsync(cancellationToken);
            }

            processIds = topology.ProcessIds();
            Assert.All(processIds, pid => Assert.True(Directory.Exists($"/proc/{pid}")));
        }

        // Nothing LocalHost started survives: neither the processes it started nor their descendants.
        await Poll.UntilAsync(() => ProcessesUsing(directory.Path).Count == 0 && processIds.All(pid => !IsAlive(pid)),
            TimeSpan.FromSeconds(20), "every process of the topology has exited", cancellationToken);

        var initdbMarker = Path.Combine(directory.Path, "postgres", "data", "PG_VERSION");
        var initializedAt = File.GetLastWriteTimeUtc(initdbMarker);
        await using (var topology = await Topology.StartAsync(options, cancellationToken))
        {
            await using var connection = new NpgsqlConnection(topology.ConnectionStringOf(ResourceNames.UsersDb));
            await connection.OpenAsync(cancellationToken);
            await using var read = new NpgsqlCommand("SELECT value FROM localhost_marker", connection);
            Assert.Equal("kept", await read.ExecuteScalarAsync(cancellationToken));
            Assert.Equal(initializedAt, File.GetLastWriteTimeUtc(initdbMarker));
            TestContext.Current.SendDiagnosticMessage($"cold start {coldStart.TotalSeconds:0.0} s, warm start {topology.StartTime.TotalSeconds:0.0} s");
        }

        Assert.Empty(ProcessesUsing(directory.Path));
    }

    private static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return false;
        }

        try
        {
            // A zombie has exited; only its parent's bookkeeping is left.
            return !File.ReadAllText(status).Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Processes whose command line or working directory points into <paramref name="path"/>.</summary>
    private static List<string> ProcessesUsing(string path)
    {
        var found = new List<string>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId || !IsAlive(pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var workingDirectory = new FileInfo(Path.Combine(directory, "cwd")).LinkTarget ?? "";
                if (commandLine.Contains(path, StringComparison.Ordinal) || workingDirectory.StartsWith(path, StringComparison.Ordinal))
                {
                    found.Add($"{pid}: {commandLine}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }
}
