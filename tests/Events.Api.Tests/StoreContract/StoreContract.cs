using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>The three stores of one backend, over their own connection or context (safe to use from one task at a time).</summary>
public sealed record EventStores(ICatalogStore Catalog, IInventoryStore Inventory, IReviewStore Reviews, IAnalyticsStore Analytics,
    ITicketTypeStore TicketTypes);

/// <summary>Where the contracts run: PostgreSQL (<see cref="PostgresStores"/>) or MongoDB (<see cref="MongoStores"/>).</summary>
public interface IStoreBackend : IAsyncDisposable
{
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>A new set of stores (skips the test, with the reason, where the backend is not reachable).</summary>
    EventStores Open();

    /// <summary>Registers the stores for code that resolves them from DI (the coalescer).</summary>
    void AddStores(IServiceCollection services);

    /// <summary>Sums of the quantities of the event's holds that are held and confirmed, read straight from the database.</summary>
    Task<(int Held, int Sold)> SumHoldsAsync(Guid eventId, CancellationToken cancellationToken);
}

/// <summary>
/// What the store contracts share: a fresh database per test (<see cref="IStoreBackend"/>), events to test on, and the
/// inventory invariants (I1, I2, counters = the sum of the holds) every inventory scenario ends by checking.
/// </summary>
public abstract class StoreContract(IStoreBackend backend) : IAsyncLifetime
{
    // Millisecond precision: what both stores keep (PostgreSQL has microseconds, MongoDB milliseconds).
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected IStoreBackend Backend => backend;

    public ValueTask InitializeAsync() => backend.InitializeAsync(Ct);

    public ValueTask DisposeAsync() => backend.DisposeAsync();

    protected ICatalogStore Catalog() => backend.Open().Catalog;

    protected IInventoryStore Inventory() => backend.Open().Inventory;

    protected IReviewStore Reviews() => backend.Open().Reviews;

    protected IAnalyticsStore Analytics() => backend.Open().Analytics;

    protected ITicketTypeStore TicketTypes() => backend.Open().TicketTypes;

    protected static CatalogEvent NewEvent(int capacity = 10, EventStatus status = EventStatus.Published, TimeSpan? startsIn = null,
        string title = "Contract concert", string city = "Lisbon", string category = "music", decimal price = 25m, Guid? organizerId = null,
        string description = "An evening of music.", string venue = "Coliseu")
    {
        var startsAt = Now + (startsIn ?? TimeSpan.FromDays(10));
        var e = CatalogEvent.Create(organizerId ?? Guid.CreateVersion7(),
            new EventInput(title, description, venue, city, startsAt, startsAt.AddHours(3), "Europe/Lisbon", category, capacity, price, "EUR", null), Now);
        e.Status = status;
        return e;
    }

    protected async Task<CatalogEvent> CreateAsync(CatalogEvent e)
    {
        await Catalog().CreateAsync(e, Ct);
        return e;
    }

    /// <summary>Reads the event, lets the model change it, and saves it (the change must be accepted and saved).</summary>
    protected async Task SaveAsync(Guid eventId, Func<CatalogEvent, Change> change)
    {
        var current = (await Catalog().GetAsync(eventId, Ct))!.Event;
        var version = current.Version;
        Assert.True(change(current).Changed);
        Assert.Equal(SaveResult.Saved, await Catalog().SaveAsync(current, version, [], Ct));
    }

    protected async Task AssertConservedAsync(Guid eventId, int? expectedHeld = null, int? expectedSold = null)
    {
        var inventory = await Inventory().GetInventoryAsync(eventId, Ct);
        Assert.NotNull(inventory);
        Assert.True(inventory.Held >= 0 && inventory.Sold >= 0, $"negative counters {inventory}");
        Assert.True(inventory.Held + inventory.Sold <= inventory.Capacity, $"I1 violated: {inventory}");
        Assert.Equal(inventory.Capacity, inventory.Available + inventory.Held + inventory.Sold);
        var (held, sold) = await backend.SumHoldsAsync(eventId, Ct);
        Assert.Equal(held, inventory.Held);
        Assert.Equal(sold, inventory.Sold);
        if (expectedHeld is { } h) { Assert.Equal(h, inventory.Held); }
        if (expectedSold is { } s) { Assert.Equal(s, inventory.Sold); }
        await AssertTypesConservedAsync(eventId);
    }

    /// <summary>
    /// I1/I2 per ticket type, read in one snapshot: each capped type's held + sold ≤ its capacity, each type's counters = the
    /// sums of its lines in the held and confirmed holds, every hold's lines add up to its quantity, and the types' counters add
    /// up to the event's (every seat is of one type).
    /// </summary>
    protected async Task AssertTypesConservedAsync(Guid eventId)
    {
        var snapshot = await Inventory().GetInventorySnapshotAsync(eventId, Ct);
        Assert.NotNull(snapshot);
        Assert.NotEmpty(snapshot.TicketTypes);
        foreach (var hold in snapshot.ActiveHolds)
        {
            Assert.Equal(hold.Quantity, hold.Lines.Sum(l => l.Quantity));
        }

        foreach (var type in snapshot.TicketTypes)
        {
            Assert.True(type.Held >= 0 && type.Sold >= 0, $"negative type counters {type}");
            Assert.True(type.Capacity is null || type.Held + type.Sold <= type.Capacity, $"I1 violated for a type: {type}");
            Assert.Equal(LinesOf(snapshot, type.Id, HoldStatus.Held), type.Held);
            Assert.Equal(LinesOf(snapshot, type.Id, HoldStatus.Confirmed), type.Sold);
        }

        Assert.Equal(snapshot.Inventory.Held, snapshot.TicketTypes.Sum(t => t.Held));
        Assert.Equal(snapshot.Inventory.Sold, snapshot.TicketTypes.Sum(t => t.Sold));
    }

    private static int LinesOf(InventorySnapshot snapshot, Guid ticketTypeId, HoldStatus status) =>
        snapshot.ActiveHolds.Where(h => h.Status == status).SelectMany(h => h.Lines).Where(l => l.TicketTypeId == ticketTypeId).Sum(l => l.Quantity);

    protected static HoldRequest Request(int quantity = 1, TimeSpan? expiresIn = null, Guid? holdId = null) =>
        new(holdId ?? Guid.CreateVersion7(), quantity, Now + (expiresIn ?? TimeSpan.FromMinutes(10)));

    protected async Task<PlaceHoldOutcome> PlaceAsync(Guid eventId, HoldRequest request, DateTimeOffset? now = null) =>
        (await Inventory().PlaceHoldsAsync(eventId, [request], now ?? Now, Ct))[0];
}
