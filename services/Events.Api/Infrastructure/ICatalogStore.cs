using EventBooking.Messaging.Contracts;
using Events.Api.Model;

namespace Events.Api.Infrastructure;

/// <summary>
/// The catalog: events and their life cycle, search and an organizer's list (PostgreSQL and MongoDB, one contract test
/// suite: tests/Events.Api.Tests/StoreContract/CatalogStoreContract.cs). Every method is atomic on its own; integration
/// events passed in are written to the outbox atomically with the change.
/// </summary>
public interface ICatalogStore
{
    /// <summary>Adds a new event with its counters (every seat available).</summary>
    Task CreateAsync(CatalogEvent created, CancellationToken cancellationToken);

    Task<EventWithInventory?> GetAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>Saves a changed event if its version is still <paramref name="expectedVersion"/> (then bumps it);
    /// the capacity changes only if it stays ≥ held + sold.</summary>
    Task<SaveResult> SaveAsync(CatalogEvent changed, int expectedVersion, IReadOnlyList<OutgoingEvent> integrationEvents, CancellationToken cancellationToken);

    /// <summary>Deletes an event with no held or sold seats (and its reviews).</summary>
    Task<DeleteResult> DeleteAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>Bookable events in the query's window (default: still on sale), filtered, sorted and paged.</summary>
    Task<Paged<EventWithInventory>> SearchAsync(EventQuery query, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>One page of an organizer's events, drafts included, latest start first.</summary>
    Task<Paged<EventWithInventory>> ListByOrganizerAsync(Guid organizerId, PageQuery page, CancellationToken cancellationToken);
}

/// <summary>An integration event to write to the outbox with a change (the contract record and its routing key).</summary>
public sealed record OutgoingEvent(string EventName, object Data, Action<Microsoft.EntityFrameworkCore.DbContext> AddToOutbox)
{
    /// <summary>Wraps a contract record; <see cref="AddToOutbox"/> adds it to an EF Core outbox with its static event name.</summary>
    public static OutgoingEvent Of<T>(T data) where T : IIntegrationEvent =>
        new(T.EventName, data, db => EventBooking.Messaging.OutboxDbContextExtensions.AddIntegrationEvent(db, data));
}

public enum EventSort
{
    Date,
    DateDescending,
    Price,
    PriceDescending,
    Title,
    Relevance,
}

/// <summary>A catalog search. Defaults: events still on sale (published, not started), soonest first.</summary>
public sealed record EventQuery
{
    public string? Text { get; init; }
    public string? Category { get; init; }
    public string? City { get; init; }
    public string? Venue { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public decimal? MinPrice { get; init; }
    public decimal? MaxPrice { get; init; }
    public bool OnlyAvailable { get; init; }
    public EventSort Sort { get; init; } = EventSort.Date;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = PageQuery.DefaultPageSize;

    public int Skip => (Page - 1) * PageSize;
}

public sealed record EventWithInventory(CatalogEvent Event, Inventory Inventory);

public enum SaveResult
{
    Saved,
    NotFound,
    /// <summary>Someone else changed the event since it was read (version mismatch).</summary>
    Concurrency,
    /// <summary>The new capacity is below the seats held and sold.</summary>
    CapacityBelowCommitted,
    /// <summary>The event is on a venue plan: its capacity is its seats' and standing places' (not changed by hand).</summary>
    SeatedCapacity,
}

public enum DeleteResult
{
    Deleted,
    NotFound,
    HasSeatsCommitted,
}
