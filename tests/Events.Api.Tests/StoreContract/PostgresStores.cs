using EventBooking.Testing;
using Events.Api.Infrastructure;
using Events.Api.Infrastructure.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Events.Api.Tests.StoreContract;

/// <summary>The PostgreSQL stores on a real server: a fresh database per test, migrated like the service does.</summary>
public sealed class PostgresStores : IStoreBackend
{
    private readonly PostgresFixture _postgres;
    private readonly string _prefix;
    private readonly List<EventsDbContext> _contexts = [];
    private string _connectionString = "";
    private NpgsqlDataSource? _source;

    /// <param name="planned">Whether every context's queries are also planned (<see cref="Plans"/>).</param>
    public PostgresStores(PostgresFixture postgres, string prefix, bool planned = false)
    {
        _postgres = postgres;
        _prefix = prefix;
        Plans = planned ? new QueryPlans(() => _connectionString) : null;
    }

    public QueryPlans? Plans { get; }

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        // Error detail on: a refused row (a check constraint's) names its values in the failure.
        _connectionString = new NpgsqlConnectionStringBuilder(await _postgres.CreateDatabaseAsync(_prefix)) { IncludeErrorDetail = true }.ConnectionString;
        _source = NpgsqlDataSource.Create(_connectionString);
        await using var db = NewContext();
        await db.Database.MigrateAsync(cancellationToken);
    }

    public EventStores Open()
    {
        var db = NewContext();
        lock (_contexts)
        {
            _contexts.Add(db);
        }

        return new EventStores(new PostgresCatalogStore(db), new PostgresInventoryStore(db), new PostgresReviewStore(db), new PostgresAnalyticsStore(db),
            new PostgresTicketTypeStore(db));
    }

    public void AddStores(IServiceCollection services)
    {
        services.AddDbContext<EventsDbContext>(o => o.UseNpgsql(_connectionString, n => n.EnableRetryOnFailure()));
        services.AddScoped<ICatalogStore, PostgresCatalogStore>();
        services.AddScoped<IInventoryStore, PostgresInventoryStore>();
        services.AddScoped<IReviewStore, PostgresReviewStore>();
        services.AddScoped<IAnalyticsStore, PostgresAnalyticsStore>();
        services.AddScoped<ITicketTypeStore, PostgresTicketTypeStore>();
    }

    public async Task<(int Held, int Sold)> SumHoldsAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await using var command = Command(
            "SELECT coalesce(sum(quantity) FILTER (WHERE status = 0), 0)::int, coalesce(sum(quantity) FILTER (WHERE status = 1), 0)::int FROM holds WHERE event_id = $1");
        command.Parameters.Add(new() { Value = eventId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>
    /// What autovacuum does to a table in use: its statistics and its visibility map, without which the planner costs an
    /// index-only scan as reading every row anyway.
    /// </summary>
    public async Task VacuumAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = Command($"VACUUM (ANALYZE) {table}");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A statement on its own connection from the test database's pool (the connection closes with the command).</summary>
    private NpgsqlCommand Command(string sql) =>
        (_source ?? throw new InvalidOperationException("The stores are not initialized yet.")).CreateCommand(sql);

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

        if (_source is not null)
        {
            await _source.DisposeAsync();
        }
    }

    private EventsDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<EventsDbContext>().UseNpgsql(_connectionString, o => o.EnableRetryOnFailure());
        if (Plans is not null)
        {
            options.AddInterceptors(Plans);
        }

        return new(options.Options);
    }
}

/// <summary>The catalog contract on PostgreSQL.</summary>
public sealed class PostgresCatalogStoreTests(PostgresFixture postgres) : CatalogStoreContract(new PostgresStores(postgres, "events_catalog_contract"));

/// <summary>The inventory contract on PostgreSQL.</summary>
public sealed class PostgresInventoryStoreTests(PostgresFixture postgres) : InventoryStoreContract(new PostgresStores(postgres, "events_inventory_contract"));

/// <summary>The ticket types contract on PostgreSQL.</summary>
public sealed class PostgresTicketTypeStoreTests(PostgresFixture postgres) : TicketTypeStoreContract(new PostgresStores(postgres, "events_types_contract"));

/// <summary>The reviews and attendance contract on PostgreSQL.</summary>
public sealed class PostgresReviewStoreTests(PostgresFixture postgres) : ReviewStoreContract(new PostgresStores(postgres, "events_review_contract"));

/// <summary>The analytics contract on PostgreSQL.</summary>
public sealed class PostgresAnalyticsStoreTests(PostgresFixture postgres) : AnalyticsStoreContract(new PostgresStores(postgres, "events_analytics_contract"));
