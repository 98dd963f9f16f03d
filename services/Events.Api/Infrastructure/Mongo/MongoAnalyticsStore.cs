using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Driver;
using static Events.Api.Infrastructure.Mongo.MongoEventsDatabase;

namespace Events.Api.Infrastructure.Mongo;

/// <summary>
/// Analytics on MongoDB: one document per signal (a batch is one <c>insertMany</c>), a purchase or cancellation upserted on
/// its unique (kind, booking) key, drop counts <c>$inc</c>remented per event; reports are aggregation pipelines that cut the
/// window into buckets with <c>$dateTrunc</c> (MongoDB 5.0+). Holds are read from the event document's own holds.
/// </summary>
public sealed class MongoAnalyticsStore(MongoEventsDatabase database) : IAnalyticsStore
{
    public async Task AppendAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken) =>
        await database.Signals.InsertManyAsync(signals.Select(SignalDocument.From), new InsertManyOptions { IsOrdered = false }, cancellationToken);

    public async Task RecordBookingAsync(Signal signal, CancellationToken cancellationToken)
    {
        var fields = SignalDocument.From(signal).ToBsonDocument();
        var filter = new BsonDocument { ["k"] = (int)signal.Kind, ["b"] = Id(signal.BookingId!.Value) };
        try
        {
            await database.Signals.UpdateOneAsync(filter, new BsonDocument("$setOnInsert", fields), new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // The same booking recorded at the same moment by another consumer: it counts once.
        }
    }

    public async Task AddDroppedAsync(IReadOnlyDictionary<Guid, long> dropped, CancellationToken cancellationToken) =>
        await database.Dropped.BulkWriteAsync(dropped.Select(d => new UpdateOneModel<DroppedDocument>(ById(d.Key),
            new BsonDocument("$inc", new BsonDocument("n", d.Value))) { IsUpsert = true }), cancellationToken: cancellationToken);

    public async Task<EventAnalyticsData> GetEventAnalyticsAsync(Guid eventId, AnalyticsWindow window, CancellationToken cancellationToken)
    {
        var unit = window.Bucket == AnalyticsBucket.Hour ? "hour" : "day";
        var inWindow = new BsonDocument { ["$gte"] = window.From.UtcDateTime, ["$lt"] = window.To.UtcDateTime };
        BsonDocument Truncated(string field) =>
            new("$dateTrunc", new BsonDocument { ["date"] = field, ["unit"] = unit, ["timezone"] = "UTC" });

        var signals = await database.Signals.Aggregate<BsonDocument>(new BsonDocument[]
        {
            new("$match", new BsonDocument { ["e"] = Id(eventId), ["at"] = inWindow }),
            new("$group", new BsonDocument
            {
                ["_id"] = new BsonDocument { ["k"] = "$k", ["t"] = Truncated("$at") },
                ["n"] = new BsonDocument("$sum", 1),
                ["q"] = new BsonDocument("$sum", "$q"),
                ["a"] = new BsonDocument("$sum", new BsonDocument("$ifNull", new BsonArray { "$a", new BsonDecimal128(0m) })),
            }),
        }, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        var holds = await database.Events.Aggregate<BsonDocument>(new BsonDocument[]
        {
            new("$match", ById(eventId)),
            new("$unwind", "$holds"),
            new("$match", new BsonDocument("holds.at", inWindow)),
            new("$group", new BsonDocument
            {
                ["_id"] = Truncated("$holds.at"), ["n"] = new BsonDocument("$sum", 1), ["q"] = new BsonDocument("$sum", "$holds.q"),
            }),
        }, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        var visitors = await database.Signals.Aggregate<BsonDocument>(new BsonDocument[]
        {
            new("$match", new BsonDocument
            {
                ["e"] = Id(eventId), ["k"] = (int)SignalKind.View, ["at"] = inWindow,
                ["$or"] = new BsonArray { new BsonDocument("u", new BsonDocument("$ne", BsonNull.Value)), new BsonDocument("v", new BsonDocument("$ne", BsonNull.Value)) },
            }),
            new("$group", new BsonDocument("_id", new BsonDocument("$ifNull", new BsonArray { "$u", "$v" }))),
            new("$count", "n"),
        }, cancellationToken: cancellationToken).FirstOrDefaultAsync(cancellationToken);
        var dropped = await database.Dropped.Find(ById(eventId)).FirstOrDefaultAsync(cancellationToken);

        return new EventAnalyticsData(
            signals.Select(s => new SignalBucket((SignalKind)s["_id"]["k"].ToInt32(), Instant(s["_id"]["t"]), s["n"].ToInt64(), s["q"].ToInt64(),
                s["a"].ToDecimal())).ToList(),
            holds.Select(h => new HoldBucket(Instant(h["_id"]), h["n"].ToInt64(), h["q"].ToInt64())).ToList(),
            visitors?["n"].ToInt64() ?? 0,
            dropped?.Dropped ?? 0);
    }

    public async Task<Paged<Signal>> GetUserActivityAsync(Guid userId, PageQuery page, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument { ["u"] = Id(userId), ["k"] = new BsonDocument("$ne", (int)SignalKind.Impression) };
        var size = page.Size();
        var skip = page.Skip();
        var total = await database.Signals.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var items = await database.Signals.Find(filter).Sort(new BsonDocument { ["at"] = -1, ["_id"] = -1 }).Skip(skip).Limit(size)
            .ToListAsync(cancellationToken);
        return new Paged<Signal>(items.Select(d => d.ToSignal()).ToList(), page.Number, size, total);
    }

    private static DateTimeOffset Instant(BsonValue value) => new(value.ToUniversalTime(), TimeSpan.Zero);
}
