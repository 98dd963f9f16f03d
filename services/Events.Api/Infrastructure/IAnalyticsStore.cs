using Events.Api.Model;

namespace Events.Api.Infrastructure;

/// <summary>
/// Analytics signals and the reports read from them, on PostgreSQL and MongoDB, checked by one contract test suite
/// (tests/Events.Api.Tests/StoreContract/AnalyticsStoreContract.cs). Views, impressions and searches arrive in batches from
/// the background writer (<c>Analytics/SignalWriter</c>); purchases and cancellations from the booking events' inbox.
/// </summary>
public interface IAnalyticsStore
{
    /// <summary>Stores a batch of views, impressions and searches in one write.</summary>
    Task AppendAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken);

    /// <summary>Stores a purchase or cancellation once per (kind, booking id), however often it is recorded.</summary>
    Task RecordBookingAsync(Signal signal, CancellationToken cancellationToken);

    /// <summary>Adds signals that were dropped (queue full, or a write failed), per event (<see cref="Guid.Empty"/>: no event).</summary>
    Task AddDroppedAsync(IReadOnlyDictionary<Guid, long> dropped, CancellationToken cancellationToken);

    /// <summary>An event's figures in <paramref name="window"/>, per bucket, with its distinct visitors and its dropped signals.</summary>
    Task<EventAnalyticsData> GetEventAnalyticsAsync(Guid eventId, AnalyticsWindow window, CancellationToken cancellationToken);

    /// <summary>One person's views, searches, purchases and cancellations, newest first.</summary>
    Task<Paged<Signal>> GetUserActivityAsync(Guid userId, PageQuery page, CancellationToken cancellationToken);
}
