using Events.Api.Model;

namespace Events.Api.Infrastructure;

/// <summary>
/// The seat inventory (I1: held + sold ≤ capacity; I2: capacity = available + held + sold) and the holds, on PostgreSQL and
/// MongoDB, checked by one contract test suite (tests/Events.Api.Tests/StoreContract/InventoryStoreContract.cs). Every
/// method is atomic on its own and idempotent per hold id.
/// </summary>
public interface IInventoryStore
{
    Task<Inventory?> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>Seats available now (capacity − held − sold) of each of the events that exist, in one read.</summary>
    Task<IReadOnlyDictionary<Guid, int>> GetSeatsAvailableAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);

    /// <summary>
    /// Places several holds on one event atomically and in order, each conditional on the event being on sale, its lines'
    /// ticket types (the event's only type when it has no lines) being visible to it, in their sales windows and within their
    /// per-order limits, and the seats left on the event and on each capped type.
    /// </summary>
    Task<IReadOnlyList<PlaceHoldOutcome>> PlaceHoldsAsync(Guid eventId, IReadOnlyList<HoldRequest> requests, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Sells several holds' seats on one event, in order, each as if alone (the same hold twice: the second finds it sold);
    /// an expired hold takes its seats back if they remain and the event is still bookable.
    /// </summary>
    Task<IReadOnlyList<ConfirmHoldOutcome>> ConfirmHoldsAsync(Guid eventId, IReadOnlyList<Guid> holdIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Returns a held or confirmed hold's seats.</summary>
    Task<ReleaseHoldResult> ReleaseHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Hold?> GetHoldAsync(Guid holdId, CancellationToken cancellationToken);

    /// <summary>The counters and the held and confirmed holds of an event in one consistent read (reconciliation).</summary>
    Task<InventorySnapshot?> GetInventorySnapshotAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>Expires up to <paramref name="batchSize"/> holds past their expiry; safe with several replicas. Returns how many.</summary>
    Task<int> ExpireHoldsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);
}

/// <summary>An event's counters, its ticket types' counters and its active (held or confirmed) holds with their lines, read at one instant.</summary>
public sealed record InventorySnapshot(Inventory Inventory, IReadOnlyList<Hold> ActiveHolds)
{
    public IReadOnlyList<TicketType> TicketTypes { get; init; } = [];

    /// <summary>Per seat category's ticket type (a seated event): its seats held and sold, read at the same instant (S3).</summary>
    public IReadOnlyDictionary<Guid, (int Held, int Sold)> SeatCounts { get; init; } = new Dictionary<Guid, (int Held, int Sold)>();

    /// <summary>Each active hold's reserved seats (by seat id, in plan order); a hold without reserved seats is not listed.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<string>> HoldSeats { get; init; } = new Dictionary<Guid, IReadOnlyList<string>>();

    /// <summary>Seats held or sold whose hold is not an active hold of the same state (S2 broken: a seat no hold owns).</summary>
    public int StraySeats { get; init; }
}

public static class InventoryStoreExtensions
{
    /// <summary>Sells one hold's seats (<see cref="IInventoryStore.ConfirmHoldsAsync"/> with one hold).</summary>
    public static async Task<ConfirmHoldOutcome> ConfirmHoldAsync(this IInventoryStore store, Guid eventId, Guid holdId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        (await store.ConfirmHoldsAsync(eventId, [holdId], now, cancellationToken))[0];
}
