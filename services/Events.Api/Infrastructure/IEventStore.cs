using EventBooking.Messaging.Contracts;
using Events.Api.Model;

namespace Events.Api.Infrastructure;

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

/// <summary>A catalog search. Defaults: published events that have not started, soonest first.</summary>
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
    public int PageSize { get; init; } = 20;
}

public sealed record EventWithInventory(CatalogEvent Event, Inventory Inventory);

/// <summary>An event's counters and its active (held or confirmed) holds, read at one instant.</summary>
public sealed record InventorySnapshot(Inventory Inventory, IReadOnlyList<Hold> ActiveHolds);

public sealed record PageOf<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount);

public enum SaveResult
{
    Saved,
    NotFound,
    /// <summary>Someone else changed the event since it was read (version mismatch).</summary>
    Concurrency,
    /// <summary>The new capacity is below the seats held and sold.</summary>
    CapacityBelowCommitted,
}

public enum DeleteResult
{
    Deleted,
    NotFound,
    HasSeatsCommitted,
}

/// <summary>
/// The one store of events-api, implemented on PostgreSQL and MongoDB and checked by one contract test suite.
/// Every method is atomic on its own; integration events passed in are written to the outbox atomically with the change.
/// </summary>
public interface IEventStore
{
    // Catalog
    Task CreateAsync(CatalogEvent created, CancellationToken cancellationToken);
    Task<EventWithInventory?> GetAsync(Guid eventId, CancellationToken cancellationToken);
    /// <summary>Saves a changed event if its version is still <paramref name="expectedVersion"/> (then bumps it);
    /// the capacity changes only if it stays ≥ held + sold.</summary>
    Task<SaveResult> SaveAsync(CatalogEvent changed, int expectedVersion, IReadOnlyList<OutgoingEvent> integrationEvents, CancellationToken cancellationToken);
    /// <summary>Deletes an event with no held or sold seats.</summary>
    Task<DeleteResult> DeleteAsync(Guid eventId, CancellationToken cancellationToken);
    Task<PageOf<EventWithInventory>> SearchAsync(EventQuery query, DateTimeOffset now, CancellationToken cancellationToken);
    Task<IReadOnlyList<EventWithInventory>> ListByOrganizerAsync(Guid organizerId, CancellationToken cancellationToken);
    Task<Inventory?> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken);
    /// <summary>Seats available now (capacity − held − sold) of each of the events that exist, in one read.</summary>
    Task<IReadOnlyDictionary<Guid, int>> GetSeatsAvailableAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);

    // Inventory (I1, I2)
    /// <summary>Places several holds on one event atomically and in order, each conditional on the seats left.</summary>
    Task<IReadOnlyList<PlaceHoldOutcome>> PlaceHoldsAsync(Guid eventId, IReadOnlyList<HoldRequest> requests, DateTimeOffset now, CancellationToken cancellationToken);
    Task<ConfirmHoldOutcome> ConfirmHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<ReleaseHoldResult> ReleaseHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<Hold?> GetHoldAsync(Guid holdId, CancellationToken cancellationToken);
    /// <summary>The counters and the held and confirmed holds of an event in one consistent read (reconciliation).</summary>
    Task<InventorySnapshot?> GetInventorySnapshotAsync(Guid eventId, CancellationToken cancellationToken);
    /// <summary>Expires up to <paramref name="batchSize"/> holds past their expiry; safe with several replicas. Returns how many.</summary>
    Task<int> ExpireHoldsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);

    // Attendance and reviews
    /// <summary>Records a booking's state (idempotent per booking id; a cancellation is final).</summary>
    Task RecordAttendanceAsync(Attendance attendance, CancellationToken cancellationToken);
    Task<bool> HasConfirmedBookingAsync(Guid eventId, Guid userId, CancellationToken cancellationToken);
    /// <summary>Creates the user's review of the event, or edits it (one per user and event).</summary>
    Task<(Review Review, bool Created)> UpsertReviewAsync(Guid eventId, Guid userId, string? userName, int rating, string text, DateTimeOffset now, CancellationToken cancellationToken);
    Task<(PageOf<Review> Page, ReviewStats Stats)> GetEventReviewsAsync(Guid eventId, int page, int pageSize, CancellationToken cancellationToken);
    Task<PageOf<Review>> GetUserReviewsAsync(Guid userId, int page, int pageSize, CancellationToken cancellationToken);
}
