using System.Net;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

public sealed class HealthEndpointTests(PostgresFixture postgres, RabbitMqFixture rabbit) : IClassFixture<PostgresFixture>, IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Health_and_alive_report_healthy_with_reachable_database_and_broker()
    {
        var connectionString = await postgres.CreateDatabaseAsync("health");
        var builder = ServiceDefaultsApp.CreateBuilder(new()
        {
            ["ConnectionStrings:testdb"] = connectionString,
            ["ConnectionStrings:messaging"] = rabbit.Server.ConnectionString,
        });
        builder.AddNpgsqlDbContextWithServiceDefaults<EmptyDbContext>("testdb");
        builder.AddRabbitMQClientWithServiceDefaults("messaging");
        await using var app = await ServiceDefaultsApp.StartAsync(builder);

        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unreachable_database_makes_health_unhealthy_but_alive_healthy_without_leaking_details()
    {
        var closedPort = LoopbackPorts.Free();
        const string password = "s3cret-password-that-must-not-leak";
        var builder = ServiceDefaultsApp.CreateBuilder(new()
        {
            ["ConnectionStrings:testdb"] = $"Host=127.0.0.1;Port={closedPort};Username=postgres;Password={password};Database=nowhere;Timeout=2",
        });
        builder.AddNpgsqlDbContextWithServiceDefaults<EmptyDbContext>("testdb");
        await using var app = await ServiceDefaultsApp.StartAsync(builder);

        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", body);
        Assert.DoesNotContain(password, body, StringComparison.Ordinal);
        Assert.DoesNotContain(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unreachable_broker_makes_health_unhealthy_but_alive_healthy()
    {
        var builder = ServiceDefaultsApp.CreateBuilder(new()
        {
            ["ConnectionStrings:messaging"] = $"amqp://guest:guest@127.0.0.1:{LoopbackPorts.Free()}",
        });
        builder.AddRabbitMQClientWithServiceDefaults("messaging");
        await using var app = await ServiceDefaultsApp.StartAsync(builder);

        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task A_service_started_while_the_broker_is_down_is_alive_and_turns_healthy_when_the_broker_comes_up()
    {
        var ct = TestContext.Current.CancellationToken;
        await rabbit.Server.StopAsync(ct);
        try
        {
            var builder = ServiceDefaultsApp.CreateBuilder(new() { ["ConnectionStrings:messaging"] = rabbit.Server.ConnectionString });
            builder.AddRabbitMQClientWithServiceDefaults("messaging");
            await using var app = await ServiceDefaultsApp.StartAsync(builder);

            using (var down = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct))
            using (var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), ct))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
                Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            }

            await rabbit.Server.RestartAsync(ct);
            await Poll.UntilAsync(async () =>
            {
                using var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);
                return health.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), "/health is Healthy once the broker is back", ct);
        }
        finally
        {
            // Started again if the test failed before doing so (a no-op when it runs).
            await rabbit.Server.RestartAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Unreachable_mongodb_makes_health_unhealthy()
    {
        var builder = ServiceDefaultsApp.CreateBuilder(new()
        {
            ["ConnectionStrings:eventsdb"] = $"mongodb://127.0.0.1:{LoopbackPorts.Free()}/eventsdb?serverSelectionTimeoutMS=500&connectTimeoutMS=500",
        });
        builder.AddMongoDBClient("eventsdb");
        await using var app = await ServiceDefaultsApp.StartAsync(builder);

        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}
