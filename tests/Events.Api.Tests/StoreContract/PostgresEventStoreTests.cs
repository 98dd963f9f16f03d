using EventBooking.Testing;
using Events.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>The store contract on a real PostgreSQL (a fresh database for this class, migrated like the service does).</summary>
public sealed class PostgresEventStoreTests(PostgresFixture postgres) : EventStoreContract, IAsyncLifetime
{
    private readonly List<EventsDbContext> _contexts = [];
    private string _connectionString = "";

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.CreateDatabaseAsync("events_store_contract_pgsql");
        await using var db = NewContext();
        await db.Database.MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        List<EventsDbContext> contexts;
        lock (_contexts)
        {
            contexts = [.. _contexts];
        }

        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }
    }

    private EventsDbContext NewContext() =>
        new(new DbContextOptionsBuilder<EventsDbContext>().UseNpgsql(_connectionString, o => o.EnableRetryOnFailure()).Options);

    protected override ValueTask<IEventStore> OpenStoreAsync()
    {
        var db = NewContext();
        lock (_contexts)
        {
            _contexts.Add(db);
        }

        return ValueTask.FromResult<IEventStore>(new PostgresEventStore(db));
    }

    protected override void AddStore(IServiceCollection services)
    {
        services.AddDbContext<EventsDbContext>(o => o.UseNpgsql(_connectionString, n => n.EnableRetryOnFailure()));
        services.AddScoped<IEventStore, PostgresEventStore>();
    }

    protected override async Task<(int Held, int Sold)> SumHoldsAsync(Guid eventId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(quantity) FILTER (WHERE status = 0), 0)::int, coalesce(sum(quantity) FILTER (WHERE status = 1), 0)::int FROM holds WHERE event_id = $1",
            connection) { Parameters = { new() { Value = eventId } } };
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
