using EventBooking.LocalHost.Infrastructure;
using EventBooking.Testing;
using Events.Api.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// A throwaway mongod when one is on PATH, or the server in <c>EVENTS_TEST_MONGODB</c> (a mongodb:// URI);
/// otherwise every MongoDB contract test is skipped with the reason.
/// </summary>
public sealed class MongoFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("eventbooking-mongo");
    private MongoServer? _server;

    public string? ConnectionString { get; private set; }
    public string SkipReason { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("EVENTS_TEST_MONGODB");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
        }
        else if (MongoServer.FindBinary() is not null)
        {
            _server = await MongoServer.StartAsync(_directory.Path, TestLog.Write);
            ConnectionString = _server.ConnectionString("eventsdb");
        }
        else
        {
            SkipReason = "No MongoDB server reachable: mongod is not on PATH and EVENTS_TEST_MONGODB is not set, so the MongoDB run of the store contract is skipped.";
            return;
        }

        try
        {
            var client = new MongoClient(ConnectionString);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException or OperationCanceledException)
        {
            SkipReason = $"No MongoDB server reachable at the configured address ({ex.GetType().Name}): the MongoDB run of the store contract is skipped.";
            ConnectionString = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }
}

public sealed class MongoEventStoreTests(MongoFixture mongo) : EventStoreContract, IClassFixture<MongoFixture>, IAsyncLifetime
{
    private IMongoDatabase? _database;
    private MongoEventStore? _store;

    public async ValueTask InitializeAsync()
    {
        if (mongo.ConnectionString is null)
        {
            return;
        }

        _database = new MongoClient(mongo.ConnectionString).GetDatabase($"events_contract_{Guid.NewGuid():N}");
        _store = new MongoEventStore(_database);
        await new MongoIndexes(_store).StartAsync(Ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private MongoEventStore Require()
    {
        if (_store is null)
        {
            Assert.Skip(mongo.SkipReason);
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
