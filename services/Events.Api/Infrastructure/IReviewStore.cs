using Events.Api.Model;

namespace Events.Api.Infrastructure;

/// <summary>
/// Attendance (who holds a confirmed booking, learnt from booking events) and reviews, on PostgreSQL and MongoDB, checked
/// by one contract test suite (tests/Events.Api.Tests/StoreContract/ReviewStoreContract.cs).
/// </summary>
public interface IReviewStore
{
    /// <summary>Records a booking's state (idempotent per booking id; a cancellation is final).</summary>
    Task RecordAttendanceAsync(Attendance attendance, CancellationToken cancellationToken);

    Task<bool> HasConfirmedBookingAsync(Guid eventId, Guid userId, CancellationToken cancellationToken);

    /// <summary>Creates the user's review of the event, or edits it (one per user and event).</summary>
    Task<(Review Review, bool Created)> UpsertReviewAsync(Guid eventId, Guid userId, string? userName, int rating, string text, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>An event's reviews, newest first.</summary>
    Task<Paged<Review>> GetEventReviewsAsync(Guid eventId, PageQuery page, CancellationToken cancellationToken);

    /// <summary>An event's average rating (two decimals; null without reviews) and number of reviews.</summary>
    Task<ReviewStats> GetReviewStatsAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>A user's reviews, newest first.</summary>
    Task<Paged<Review>> GetUserReviewsAsync(Guid userId, PageQuery page, CancellationToken cancellationToken);
}
