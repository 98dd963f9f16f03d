using Events.Api.Model;
using EventBooking.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>Attendance and reviews on PostgreSQL: upserts in SQL (one statement each, race-free), reads with EF Core.</summary>
public sealed class PostgresReviewStore(EventsDbContext db) : IReviewStore
{
    // Race-free and order-free: a cancellation stays one whatever arrives after it; the latest change's time is kept.
    private const string AttendanceSql = """
        INSERT INTO attendance (booking_id, event_id, user_id, confirmed, changed_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (booking_id) DO UPDATE
        SET confirmed = attendance.confirmed AND EXCLUDED.confirmed, changed_at = GREATEST(attendance.changed_at, EXCLUDED.changed_at)
        """;

    public async Task RecordAttendanceAsync(Attendance attendance, CancellationToken cancellationToken) =>
        await db.ExecuteAsync(AttendanceCommand(attendance), cancellationToken);

    /// <summary><see cref="RecordAttendanceAsync"/>'s statement, for a batch that writes it with other work (<see cref="PostgresBookingOutcomes"/>).</summary>
    public static NpgsqlBatchCommand AttendanceCommand(Attendance attendance) => new(AttendanceSql)
    {
        Parameters =
        {
            Value(attendance.BookingId), Value(attendance.EventId), Value(attendance.UserId), Value(attendance.Confirmed),
            Value(attendance.ChangedAt.ToUniversalTime()),
        },
    };

    public Task<bool> HasConfirmedBookingAsync(Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        db.Attendance.AnyAsync(a => a.EventId == eventId && a.UserId == userId && a.Confirmed, cancellationToken);

    public async Task<(Review Review, bool Created)> UpsertReviewAsync(Guid eventId, Guid userId, string? userName, int rating, string text, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<ReviewUpsertRow>(
            $"""
            INSERT INTO reviews (id, event_id, user_id, user_name, rating, text, created_at, updated_at)
            VALUES ({Guid.CreateVersion7()}, {eventId}, {userId}, {userName}, {rating}, {text}, {now.ToUniversalTime()}, {now.ToUniversalTime()})
            ON CONFLICT (event_id, user_id) DO UPDATE
            SET rating = EXCLUDED.rating, text = EXCLUDED.text, user_name = EXCLUDED.user_name, updated_at = EXCLUDED.updated_at
            RETURNING id AS "Id", created_at AS "CreatedAt", (xmax = 0) AS "Inserted"
            """).ToListAsync(cancellationToken);
        var row = rows[0];
        return (new Review(row.Id, eventId, userId, userName, rating, text, row.CreatedAt, now), row.Inserted);
    }

    public Task<Paged<Review>> GetEventReviewsAsync(Guid eventId, PageQuery page, CancellationToken cancellationToken) =>
        PageAsync(db.Reviews.AsNoTracking().Where(r => r.EventId == eventId), page, cancellationToken);

    public async Task<ReviewStats> GetReviewStatsAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var stats = await db.Reviews.AsNoTracking().Where(r => r.EventId == eventId).GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Average = g.Average(r => (double)r.Rating) })
            .FirstOrDefaultAsync(cancellationToken);
        return stats is null ? new ReviewStats(null, 0) : new ReviewStats(Math.Round(stats.Average, 2), stats.Count);
    }

    public Task<Paged<Review>> GetUserReviewsAsync(Guid userId, PageQuery page, CancellationToken cancellationToken) =>
        PageAsync(db.Reviews.AsNoTracking().Where(r => r.UserId == userId), page, cancellationToken);

    /// <summary>One page of <paramref name="reviews"/>, newest first, with their total.</summary>
    private static Task<Paged<Review>> PageAsync(IQueryable<ReviewRow> reviews, PageQuery page, CancellationToken cancellationToken) =>
        reviews.OrderByDescending(r => r.UpdatedAt).ThenBy(r => r.Id).ToPagedAsync(page, PageQuery.DefaultPageSize, r => r.ToReview(), cancellationToken);

    private sealed class ReviewUpsertRow
    {
        public Guid Id { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public bool Inserted { get; set; }
    }
}
