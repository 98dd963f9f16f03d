using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

public sealed class ClientIntegrationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Missing_npgsql_connection_string_fails_at_startup_naming_the_key()
    {
        // Aspire checks when the context is first needed; every PostgreSQL service needs it at startup, to migrate.
        var builder = ServiceDefaultsApp.CreateBuilder([]);
        builder.AddNpgsqlDbContextWithServiceDefaults<EmptyDbContext>("usersdb");
        builder.Services.AddMigration<EmptyDbContext>();
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("ConnectionStrings:usersdb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_rabbitmq_connection_string_fails_at_startup_naming_the_key()
    {
        var builder = ServiceDefaultsApp.CreateBuilder([]);
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddRabbitMQClientWithServiceDefaults("messaging"));
        Assert.Contains("ConnectionStrings:messaging", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_mongodb_connection_string_fails_at_startup_naming_the_key()
    {
        var builder = ServiceDefaultsApp.CreateBuilder([]);
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddMongoDBClient("eventsdb"));
        Assert.Contains("ConnectionStrings:eventsdb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aspire_settings_section_supplies_the_connection_string_when_ConnectionStrings_has_none()
    {
        var connectionString = await postgres.CreateDatabaseAsync("settings");
        var builder = ServiceDefaultsApp.CreateBuilder(new()
        {
            ["Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:ConnectionString"] = connectionString,
        });
        builder.AddNpgsqlDbContextWithServiceDefaults<EmptyDbContext>("usersdb");
        await using var app = await ServiceDefaultsApp.StartAsync(builder);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EmptyDbContext>();

        Assert.True(await db.Database.CanConnectAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Pooled_contexts_skip_discard_all_and_auto_prepare_unless_the_connection_string_says_otherwise()
    {
        var connectionString = await postgres.CreateDatabaseAsync("pooling");
        var builder = ServiceDefaultsApp.CreateBuilder(new() { ["ConnectionStrings:usersdb"] = connectionString });
        builder.AddNpgsqlDbContextWithServiceDefaults<EmptyDbContext>("usersdb");
        await using var app = await ServiceDefaultsApp.StartAsync(builder);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EmptyDbContext>();
        var ct = TestContext.Current.CancellationToken;

        var used = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        Assert.Equal((true, 64), (used.NoResetOnClose, used.MaxAutoPrepare));
        // The same statement, run enough times on the pooled connection, is prepared once and stays prepared across returns to the pool.
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(i, await db.Database.SqlQuery<int>($"SELECT {i} AS \"Value\"").SingleAsync(ct));
        }

        await db.Database.OpenConnectionAsync(ct);
        await using (var command = db.Database.GetDbConnection().CreateCommand())
        {
            command.CommandText = "SELECT count(*) FROM pg_prepared_statements";
            Assert.True((long)(await command.ExecuteScalarAsync(ct))! >= 1);
        }

        await db.Database.CloseConnectionAsync();

        var explicitSettings = new Npgsql.NpgsqlConnectionStringBuilder(
            NpgsqlServiceDefaults.WithPoolDefaults("Host=localhost;Database=x;No Reset On Close=false;Max Auto Prepare=0"));
        Assert.Equal((false, 0), (explicitSettings.NoResetOnClose, explicitSettings.MaxAutoPrepare));
    }

    [Fact]
    public async Task Mongo_connection_string_registers_client_and_named_database()
    {
        var builder = ServiceDefaultsApp.CreateBuilder(new()
        {
            ["ConnectionStrings:eventsdb"] = "mongodb://admin:pw@127.0.0.1:1/eventsdb?authSource=admin&authMechanism=SCRAM-SHA-256",
        });
        builder.AddMongoDBClient("eventsdb");
        await using var app = await ServiceDefaultsApp.StartAsync(builder);

        Assert.NotNull(app.Services.GetRequiredService<IMongoClient>());
        Assert.Equal("eventsdb", app.Services.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName);
        Assert.True(ConnectionStrings.IsMongoDB("mongodb+srv://x/y"));
        Assert.False(ConnectionStrings.IsMongoDB("Host=127.0.0.1;Database=eventsdb"));
    }
}
