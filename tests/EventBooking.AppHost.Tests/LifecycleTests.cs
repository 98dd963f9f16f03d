using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace EventBooking.AppHost.Tests;

/// <summary>The whole system started from the AppHost's model (Aspire.Hosting.Testing), stopped, and started again on its data.</summary>
public sealed class LifecycleTests
{
    /// <summary>One real endpoint per service that reads its store, called as the demo attendee.</summary>
    private static readonly Dictionary<string, string> StoreEndpoints = new()
    {
        ["users-api"] = "/api/users/me",
        ["events-api"] = "/api/events",
        ["bookings-api"] = "/api/bookings",
        ["notifications-api"] = "/api/notifications",
        ["web"] = "/",
    };

    [Fact]
    public async Task Whole_system_starts_healthy_stops_without_leftovers_and_restarts_on_its_data()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory("eventbooking-apphost");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var options = new SystemUnderTestOptions { DataDirectory = directory.Path, SeedDemoData = true };

        TimeSpan coldStart;
        List<int> processIds;
        await using (var system = await SystemUnderTest.StartAsync(options, cancellationToken))
        {
            coldStart = system.StartTime;
            using var login = await http.PostAsJsonAsync(new Uri(system.UrlOf("users-api"), "/api/users/login"),
                new { email = DemoData.AttendeeEmail, password = DemoData.Password }, cancellationToken);
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("accessToken").GetString();
            foreach (var (name, path) in StoreEndpoints)
            {
                var url = system.UrlOf(name);
                Assert.Equal("Healthy", await http.GetStringAsync(new Uri(url, "/health"), cancellationToken));
                Assert.Equal("Healthy", await http.GetStringAsync(new Uri(url, "/alive"), cancellationToken));
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, path));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, cancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name} {path} answered {(int)response.StatusCode}");
            }

            // Every database exists and the broker accepts AMQP connections with the injected credentials.
            foreach (var database in new[] { "usersdb", "bookingsdb", "eventsdb", "notificationsdb" })
            {
                await using var connection = new NpgsqlConnection(await system.ConnectionStringAsync(database, cancellationToken));
                await connection.OpenAsync(cancellationToken);
            }

            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(await system.ConnectionStringAsync("messaging", cancellationToken)) };
            await using (var amqp = await factory.CreateConnectionAsync(cancellationToken))
            {
                Assert.True(amqp.IsOpen);
            }

            await using (var connection = new NpgsqlConnection(await system.ConnectionStringAsync("usersdb", cancellationToken)))
            {
                await connection.OpenAsync(cancellationToken);
                await using var marker = new NpgsqlCommand("CREATE TABLE apphost_marker (value text); INSERT INTO apphost_marker VALUES ('kept')", connection);
                await marker.ExecuteNonQueryAsync(cancellationToken);
            }

            // The dashboard's operator commands work against the running system.
            var bookings = Assert.Single(system.Instances(ResourceNames.BookingsApi));
            var reconciled = await system.App.ResourceCommands.ExecuteCommandAsync(bookings.Id, OperatorCommands.ReconcileCommand, cancellationToken);
            Assert.True(reconciled.Success, reconciled.Message);
            Assert.Contains("no discrepancy", reconciled.Message, StringComparison.Ordinal);
            foreach (var service in new[] { ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi })
            {
                var replayed = await system.App.ResourceCommands.ExecuteCommandAsync(Assert.Single(system.Instances(service)).Id, OperatorCommands.ReplayDeadLettersCommand, cancellationToken);
                Assert.True(replayed.Success, $"{service}: {replayed.Message}");
            }

            processIds = [.. new[] { "postgres", "messaging", "smtp", "users-api", "events-api", "bookings-api", "notifications-api", "web" }
                .SelectMany(system.Instances).Select(i => i.ProcessId ?? 0)];
            Assert.All(processIds, pid => Assert.True(Processes.IsAlive(pid), $"process {pid} runs"));
        }

        // Nothing the AppHost started survives: neither the processes nor their descendants.
        await Poll.UntilAsync(() => Processes.Using(directory.Path).Count == 0 && processIds.All(pid => !Processes.IsAlive(pid)),
            TimeSpan.FromSeconds(60), "every process of the system has exited", cancellationToken);

        var initdbMarker = Path.Combine(directory.Path, "postgres", "data", "PG_VERSION");
        var initializedAt = File.GetLastWriteTimeUtc(initdbMarker);
        await using (var system = await SystemUnderTest.StartAsync(options with { Resources = ["users-api"] }, cancellationToken))
        {
            await using var connection = new NpgsqlConnection(await system.ConnectionStringAsync("usersdb", cancellationToken));
            await connection.OpenAsync(cancellationToken);
            await using var read = new NpgsqlCommand("SELECT value FROM apphost_marker", connection);
            Assert.Equal("kept", await read.ExecuteScalarAsync(cancellationToken));
            Assert.Equal(initializedAt, File.GetLastWriteTimeUtc(initdbMarker));
            TestContext.Current.TestOutputHelper?.WriteLine($"cold start {coldStart.TotalSeconds:0.0} s (everything), warm start {system.StartTime.TotalSeconds:0.0} s (users-api and its dependencies)");
        }

        await Poll.UntilAsync(() => Processes.Using(directory.Path).Count == 0, TimeSpan.FromSeconds(60), "every process has exited again", cancellationToken);
    }
}
