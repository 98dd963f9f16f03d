using EventBooking.Testing;
using Events.Api.Infrastructure.Mongo;
using Events.Api.Model;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>The MongoDB stores on <see cref="MongoFixture"/>'s server (a fresh database per test); every test is skipped, with the reason, where none is reachable.</summary>
public sealed class MongoStores(MongoFixture mongo) : IStoreBackend
{
    private MongoEventsDatabase? _database;

    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        if (mongo.SkipReason is not null)
        {
            return;
        }

        _database = new MongoEventsDatabase(mongo.CreateDatabase("events_contract"));
        await new MongoSchema(_database).StartAsync(cancellationToken);
    }

    public EventStores Open()
    {
        var database = Require();
        return new EventStores(new MongoCatalogStore(database), new MongoInventoryStore(database), new MongoReviewStore(database), new MongoAnalyticsStore(database),
            new MongoTicketTypeStore(database));
    }

    public void AddStores(IServiceCollection services)
    {
        var stores = Open();
        services.AddSingleton(stores.Catalog);
        services.AddSingleton(stores.Inventory);
        services.AddSingleton(stores.Reviews);
        services.AddSingleton(stores.Analytics);
        services.AddSingleton(stores.TicketTypes);
    }

    public async Task<(int Held, int Sold)> SumHoldsAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var document = await Require().Events.Find(MongoEventsDatabase.ById(eventId)).FirstAsync(cancellationToken);
        return (document.Holds.Where(h => h.Status == HoldStatus.Held).Sum(h => h.Quantity),
            document.Holds.Where(h => h.Status == HoldStatus.Confirmed).Sum(h => h.Quantity));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private MongoEventsDatabase Require()
    {
        if (_database is null)
        {
            Assert.Skip(mongo.SkipReason ?? "No MongoDB server.");
        }

        return _database;
    }
}

/// <summary>The catalog contract on MongoDB.</summary>
public sealed class MongoCatalogStoreTests(MongoFixture mongo) : CatalogStoreContract(new MongoStores(mongo)), IClassFixture<MongoFixture>;

/// <summary>The inventory contract on MongoDB.</summary>
public sealed class MongoInventoryStoreTests(MongoFixture mongo) : InventoryStoreContract(new MongoStores(mongo)), IClassFixture<MongoFixture>;

/// <summary>The ticket types contract on MongoDB (skipped where no server is reachable).</summary>
public sealed class MongoTicketTypeStoreTests(MongoFixture mongo) : TicketTypeStoreContract(new MongoStores(mongo)), IClassFixture<MongoFixture>;

/// <summary>The reviews and attendance contract on MongoDB.</summary>
public sealed class MongoReviewStoreTests(MongoFixture mongo) : ReviewStoreContract(new MongoStores(mongo)), IClassFixture<MongoFixture>;

/// <summary>The analytics contract on MongoDB (skipped where no server is reachable).</summary>
public sealed class MongoAnalyticsStoreTests(MongoFixture mongo) : AnalyticsStoreContract(new MongoStores(mongo)), IClassFixture<MongoFixture>;
