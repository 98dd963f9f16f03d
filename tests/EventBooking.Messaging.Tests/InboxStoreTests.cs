using EventBooking.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using Npgsql;
using Xunit;

namespace EventBooking.Messaging.Tests;

/// <summary>The document-store inboxes against real servers: PostgreSQL always, MongoDB when a mongod binary exists.</summary>
public sealed class InboxStoreTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostgresInboxRecordsEachMessageOncePerConsumer()
    {
        await using var dataSource = await NewDataSourceAsync();
        using var inbox = new PostgresInboxStore(dataSource, TimeProvider.System, NullLogger<PostgresInboxStore>.Instance);
        await AssertInboxContractAsync(inbox);
    }

    [Fact]
    public async Task PostgresInboxRollsBackTheInboxRowWhenTheEffectFails()
    {
        await using var dataSource = await NewDataSourceAsync();
        using var inbox = new PostgresInboxStore(dataSource, TimeProvider.System, NullLogger<PostgresInboxStore>.Instance);
        await using (var create = dataSource.CreateCommand("CREATE TABLE effects (message_id uuid NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        var id = Guid.CreateVersion7();
        async Task Effect(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO effects VALUES ($1)", connection, transaction) { Parameters = { new() { Value = id } } };
            await insert.ExecuteNonQueryAsync(ct);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => inbox.ProcessOnceAsync(id, "c", async (connection, transaction, ct) =>
        {
            await Effect(connection, transaction, ct);
            throw new InvalidOperationException("boom");
        }, Ct));
        Assert.False(await inbox.IsProcessedAsync(id, "c", Ct));

        Assert.True(await inbox.ProcessOnceAsync(id, "c", Effect, Ct));
        Assert.False(await inbox.ProcessOnceAsync(id, "c", Effect, Ct));
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM effects");
        Assert.Equal(1L, await count.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task AddPostgresInboxRegistersAKeyedDataSourceWithThePoolDefaults()
    {
        var connectionString = await postgres.CreateDatabaseAsync("inbox");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:inboxdb"] = connectionString,
            // Never connected to: the host is not started.
            ["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:1",
        });
        builder.AddEventBus("messaging", "inbox-test").AddPostgresInbox("inboxdb");
        using var host = builder.Build();

        var used = new NpgsqlConnectionStringBuilder(host.Services.GetRequiredKeyedService<NpgsqlDataSource>("inboxdb").ConnectionString);
        Assert.Equal((true, 64), (used.NoResetOnClose, used.MaxAutoPrepare));
        await AssertInboxContractAsync(host.Services.GetRequiredService<IInboxStore>());
    }

    [Fact]
    public async Task MongoInboxRecordsEachMessageOncePerConsumer()
    {
        await using var mongo = new MongoFixture();
        await mongo.InitializeAsync();
        Assert.SkipWhen(mongo.SkipReason is not null, mongo.SkipReason ?? "");
        await AssertInboxContractAsync(new MongoInboxStore(mongo.CreateDatabase("inbox"), TimeProvider.System));
    }

    private static async Task AssertInboxContractAsync(IInboxStore inbox)
    {
        var id = Guid.CreateVersion7();
        var effects = 0;
        Task Effect(CancellationToken _)
        {
            Interlocked.Increment(ref effects);
            return Task.CompletedTask;
        }

        Assert.False(await inbox.IsProcessedAsync(id, "notifications", Ct));
        Assert.True(await inbox.ProcessOnceAsync(id, "notifications", Effect, Ct));
        Assert.False(await inbox.ProcessOnceAsync(id, "notifications", Effect, Ct));
        Assert.Equal(1, effects);
        Assert.True(await inbox.IsProcessedAsync(id, "notifications", Ct));
        // Another consumer of the same message is independent.
        Assert.True(await inbox.ProcessOnceAsync(id, "reminders", Effect, Ct));
        Assert.Equal(2, effects);
        Assert.False(await inbox.MarkProcessedAsync(id, "notifications", Ct));
    }

    private async Task<NpgsqlDataSource> NewDataSourceAsync()
    {
        return NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("inbox"));
    }
}
