using EventBooking.Testing;
using Events.Api.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>The MongoDB run of the store contract, on <see cref="MongoFixture"/>'s server; skipped, with the reason, where none is reachable.</summary>
public sealed class MongoEventStoreTests(MongoFixture mongo) : EventStoreContract, IClassFixture<MongoFixture>, IAsyncLifetime
{
    private IMongoDatabase? _database;
    private MongoEventStore? _store;

    public async ValueTask InitializeAsync()
    {
        if (mongo.SkipReason is not null)
        {
            return;
        }

        _database = mongo.CreateDatabase("events_contract");
        _store = new MongoEventStore(_database);
        await new MongoIndexes(_store).StartAsync(Ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private MongoEventStore Require()
    {
        if (_store is null)
        {
            Assert.Skip(mongo.SkipReason ?? "No MongoDB server.");
        }

        return _store;
    }

    protected override ValueTask<IEventStore> OpenStoreAsync() => ValueTask.FromResult<IEventStore>(Require());

    protected override void AddStore(IServiceCollection services) => services.AddSingleton<IEventStore>(Require());

    protected override async Task<(int Held, int Sold)> SumHoldsAsync(Guid eventId)
    {
        var document = await Require().Events.Find(new BsonDocument("_id", new BsonBinaryData(eventId, GuidRepresentation.Standard))).FirstAsync(Ct);
        return (document.Holds.Where(h => h.Status == Events.Api.Model.HoldStatus.Held).Sum(h => h.Quantity),
            document.Holds.Where(h => h.Status == Events.Api.Model.HoldStatus.Confirmed).Sum(h => h.Quantity));
    }
}
