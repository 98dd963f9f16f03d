using System.Net;
using EventBooking.LocalHost.Infrastructure;
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
        var builder = TestApp.CreateBuilder(new()
        {
            ["ConnectionStrings:testdb"] = connectionString,
            ["ConnectionStrings:messaging"] = rabbit.Server.ConnectionString,
        });
        builder.AddNpgsqlDbContextWithServiceDefaults<TestDbContext>("testdb");
        builder.AddRabbitMQClient("messaging");
        await using var app = await TestApp.StartAsync(builder);

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
        var closedPort = Platform.FreePort();
        const string password = "s3cret-password-that-must-not-leak";
        var builder = TestApp.CreateBuilder(new()
        {
            ["ConnectionStrings:testdb"] = $"Host=127.0.0.1;Port={closedPort};Username=postgres;Password={password};Database=nowhere;Timeout=2",
        });
        builder.AddNpgsqlDbContextWithServiceDefaults<TestDbContext>("testdb");
        await using var app = await TestApp.StartAsync(builder);

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
        var builder = TestApp.CreateBuilder(new()
        {
            ["ConnectionStrings:messaging"] = $"amqp://guest:guest@127.0.0.1:{Platform.FreePort()}",
        });
        builder.AddRabbitMQClient("messaging");
        await using var app = await TestApp.StartAsync(builder);

        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Unreachable_mongodb_makes_health_unhealthy()
    {
        var builder = TestApp.CreateBuilder(new()
        {
            ["ConnectionStrings:eventsdb"] = $"mongodb://127.0.0.1:{Platform.FreePort()}/eventsdb?serverSelectionTimeoutMS=500&connectTimeoutMS=500",
        });
        builder.AddMongoDBClient("eventsdb");
        await using var app = await TestApp.StartAsync(builder);

        var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}
