using EventBooking.AppHost;
using MongoDB.Bson;
using MongoDB.Driver;
using Xunit;

namespace EventBooking.Testing;

/// <summary>
/// A MongoDB server for the MongoDB runs of the store contracts: the one in <c>EVENTBOOKING_TEST_MONGODB</c> (a mongodb:// URI),
/// else the AppHost's own <c>mongo</c> container where a container runtime answers. Where neither exists (our machines have no
/// MongoDB server package and no container engine) every test that asks for it is skipped, with <see cref="SkipReason"/>.
/// </summary>
public sealed class MongoFixture : IAsyncLifetime
{
    public const string UriVariable = "EVENTBOOKING_TEST_MONGODB";

    private SystemUnderTest? _system;
    private MongoClient? _client;
    private string? _uri;

    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var uri = Environment.GetEnvironmentVariable(UriVariable);
        if (string.IsNullOrWhiteSpace(uri))
        {
            if (!Infrastructure.ContainerRuntimeAnswers())
            {
                SkipReason = $"No MongoDB server is reachable: no container runtime answers (the AppHost's mongo resource is a container) and {UriVariable} is not set.";
                return;
            }

            _system = await SystemUnderTest.StartAsync(new SystemUnderTestOptions { Infrastructure = InfrastructureMode.Containers, Resources = [ResourceNames.Mongo] });
            uri = await _system.ConnectionStringAsync(ResourceNames.Mongo);
        }

        _uri = uri;
        var settings = MongoClientSettings.FromUrl(MongoUrl.Create(uri));
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        _client = new MongoClient(settings);
        try
        {
            await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
        }
        catch (TimeoutException ex)
        {
            SkipReason = $"No MongoDB server is reachable at {settings.Server}: {ex.Message}";
            _uri = null;
            _client.Dispose();
            _client = null;
        }
    }

    /// <summary>
    /// A fresh database (unique name) on the server. Tests first skip where none is reachable:
    /// <c>Assert.SkipWhen(mongo.SkipReason is not null, mongo.SkipReason ?? "")</c>.
    /// </summary>
    public IMongoDatabase CreateDatabase(string prefix) =>
        _client?.GetDatabase($"{prefix}_{Guid.NewGuid():N}") ?? throw new InvalidOperationException(SkipReason);

    /// <summary>The server's connection string naming <paramref name="database"/> (for code that takes a mongodb:// URI).</summary>
    public string ConnectionString(string database) =>
        new MongoUrlBuilder(_uri ?? throw new InvalidOperationException(SkipReason)) { DatabaseName = database }.ToString();

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
