using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Driver;
using static Events.Api.Infrastructure.Mongo.MongoEventsDatabase;

namespace Events.Api.Infrastructure.Mongo;

/// <summary>Attendance and reviews on MongoDB: one document per booking and per review, upserted atomically.</summary>
public sealed class MongoReviewStore(MongoEventsDatabase database) : IReviewStore
{
    public async Task RecordAttendanceAsync(Attendance attendance, CancellationToken cancellationToken)
    {
        var document = new AttendanceDocument
        {
            BookingId = attendance.BookingId, EventId = attendance.EventId, UserId = attendance.UserId,
            Confirmed = attendance.Confirmed, ChangedAt = attendance.ChangedAt,
        };
        if (attendance.Confirmed)
        {
            // A confirmation never overrides a cancellation that arrived first.
            var fields = document.ToBsonDocument();
            fields.Remove("_id"); // comes from the filter on insert
            var insertOnly = new BsonDocument("$setOnInsert", fields);
            await database.Attendance.UpdateOneAsync(ById(attendance.BookingId), insertOnly, new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
        else
        {
            await database.Attendance.ReplaceOneAsync(ById(attendance.BookingId), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
    }

    public async Task<bool> HasConfirmedBookingAsync(Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        await database.Attendance.CountDocumentsAsync(new BsonDocument { ["eventId"] = Id(eventId), ["userId"] = Id(userId), ["confirmed"] = true },
            new CountOptions { Limit = 1 }, cancellationToken) > 0;

    public async Task<(Review Review, bool Created)> UpsertReviewAsync(Guid eventId, Guid userId, string? userName, int rating, string text, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var newId = Guid.CreateVersion7();
        var update = new BsonDocument
        {
            ["$set"] = new BsonDocument
            {
                ["userName"] = userName is null ? BsonNull.Value : new BsonString(userName), ["rating"] = rating, ["text"] = text, ["updatedAt"] = now.UtcDateTime,
            },
            ["$setOnInsert"] = new BsonDocument { ["_id"] = Id(newId), ["createdAt"] = now.UtcDateTime },
        };
        var options = new FindOneAndUpdateOptions<ReviewDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        var filter = new BsonDocument { ["eventId"] = Id(eventId), ["userId"] = Id(userId) };
        ReviewDocument document;
        try
        {
            document = await database.Reviews.FindOneAndUpdateAsync<ReviewDocument>(filter, update, options, cancellationToken);
        }
        catch (MongoCommandException ex) when (ex.Code == 11000)
        {
            // Two first reviews at once: the unique index let one insert; this one now updates it.
            document = await database.Reviews.FindOneAndUpdateAsync<ReviewDocument>(filter, update, options, cancellationToken);
        }

        return (document.ToReview(), document.Id == newId);
    }

    public Task<Paged<Review>> GetEventReviewsAsync(Guid eventId, PageQuery page, CancellationToken cancellationToken) =>
        PageAsync(new BsonDocument("eventId", Id(eventId)), page, cancellationToken);

    public async Task<ReviewStats> GetReviewStatsAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var stats = await database.Reviews.Aggregate()
            .Match(new BsonDocument("eventId", Id(eventId)))
            .Group(new BsonDocument { ["_id"] = BsonNull.Value, ["count"] = new BsonDocument("$sum", 1), ["avg"] = new BsonDocument("$avg", "$rating") })
            .FirstOrDefaultAsync(cancellationToken);
        return stats is null ? new ReviewStats(null, 0) : new ReviewStats(Math.Round(stats["avg"].ToDouble(), 2), stats["count"].ToInt32());
    }

    public Task<Paged<Review>> GetUserReviewsAsync(Guid userId, PageQuery page, CancellationToken cancellationToken) =>
        PageAsync(new BsonDocument("userId", Id(userId)), page, cancellationToken);

    /// <summary>One page of the reviews matching <paramref name="filter"/>, newest first, with their total.</summary>
    private async Task<Paged<Review>> PageAsync(BsonDocument filter, PageQuery page, CancellationToken cancellationToken)
    {
        var total = await database.Reviews.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var items = await database.Reviews.Find(filter).Sort(new BsonDocument { ["updatedAt"] = -1, ["_id"] = 1 })
            .Skip(page.Skip()).Limit(page.Size()).ToListAsync(cancellationToken);
        return new Paged<Review>([.. items.Select(r => r.ToReview())], page.Number, page.Size(), total);
    }
}
