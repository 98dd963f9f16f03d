using Events.Api.Model;

namespace Events.Api.Infrastructure;

/// <summary>
/// An event's ticket types (PostgreSQL and MongoDB, one contract suite: tests/Events.Api.Tests/StoreContract/TicketTypeStoreContract.cs).
/// Every change is atomic with the event's "from" price (the cheapest public type's, kept in the event's price so the catalog,
/// search and cache need not know about types) and serialized with the holds on the event (the counters row is locked first).
/// </summary>
public interface ITicketTypeStore
{
    /// <summary>The event's types (hidden ones included), by sort order then age; empty for an unknown event.</summary>
    Task<IReadOnlyList<TicketType>> ListAsync(Guid eventId, CancellationToken cancellationToken);

    Task<TicketTypeChange> AddAsync(TicketType created, CancellationToken cancellationToken);

    /// <summary>Replaces a type's fields (its counters stay); its capacity only while it stays ≥ its seats held and sold.</summary>
    Task<TicketTypeChange> UpdateAsync(TicketType changed, CancellationToken cancellationToken);

    /// <summary>Removes a type with no seats held or sold, unless it is the event's last.</summary>
    Task<TicketTypeChange> DeleteAsync(Guid eventId, Guid ticketTypeId, CancellationToken cancellationToken);
}

public enum TicketTypeChangeResult
{
    Done,
    EventNotFound,
    NotFound,
    /// <summary>The new capacity is below the type's seats held and sold (<see cref="TicketTypeChange.Committed"/>).</summary>
    CapacityBelowCommitted,
    HasSales,
    LastType,
    /// <summary>The event is on a venue plan: its types are its plan's (none added or removed by hand).</summary>
    Seated,
    /// <summary>The event is on a venue plan: a type's capacity is its seats' (not changed by hand).</summary>
    SeatedCapacity,
}

public sealed record TicketTypeChange(TicketTypeChangeResult Result, int Committed = 0)
{
    public static TicketTypeChange Done { get; } = new(TicketTypeChangeResult.Done);
}
