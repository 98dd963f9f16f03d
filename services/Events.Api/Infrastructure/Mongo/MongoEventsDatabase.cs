using MongoDB.Bson;
using MongoDB.Driver;

namespace Events.Api.Infrastructure.Mongo;

/// <summary>
/// events-api's MongoDB collections, shared by its three stores and the outbox relay. No multi-document transactions
/// (Aspire's MongoDB is a standalone server): every state change is one conditional single-document update. An event's
/// catalog fields, seat counters, holds and pending integration events are one <see cref="EventDocument"/>.
/// </summary>
public sealed class MongoEventsDatabase(IMongoDatabase database)
{
    public IMongoCollection<EventDocument> Events { get; } = database.GetCollection<EventDocument>("events");
    public IMongoCollection<ReviewDocument> Reviews { get; } = database.GetCollection<ReviewDocument>("reviews");
    public IMongoCollection<AttendanceDocument> Attendance { get; } = database.GetCollection<AttendanceDocument>("attendance");
    public IMongoCollection<SignalDocument> Signals { get; } = database.GetCollection<SignalDocument>("analytics");
    public IMongoCollection<DroppedDocument> Dropped { get; } = database.GetCollection<DroppedDocument>("analytics_dropped");

    /// <summary>An event's catalog fields and counters, without its holds and outbox.</summary>
    public static ProjectionDefinition<EventDocument> WithoutHolds { get; } =
        Builders<EventDocument>.Projection.Exclude(d => d.Holds).Exclude(d => d.Outbox);

    public static BsonBinaryData Id(Guid id) => new(id, GuidRepresentation.Standard);

    public static BsonDocument ById(Guid id) => new("_id", Id(id));
}

/// <summary>
/// At startup: creates the indexes the stores rely on (the unique review and booking-signal indexes included), and writes the model's
/// <c>isBookable</c>/<c>onSaleUntil</c> into event documents saved before those fields existed, and gives every event saved
/// before ticket types its one public "Standard" type (its price and currency, sharing its capacity, with its counters) and
/// every hold of it its line (one pipeline update per document, conditional on the types still missing).
/// </summary>
public sealed class MongoSchema(MongoEventsDatabase database) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.Events.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<EventDocument>(new BsonDocument { ["isBookable"] = 1, ["startsAt"] = 1 }),
            new CreateIndexModel<EventDocument>(new BsonDocument("onSaleUntil", 1)),
            new CreateIndexModel<EventDocument>(new BsonDocument("organizerId", 1)),
            new CreateIndexModel<EventDocument>(new BsonDocument("holds.id", 1)),
            new CreateIndexModel<EventDocument>(new BsonDocument { ["holds.s"] = 1, ["holds.exp"] = 1 }),
        ], cancellationToken);
        await database.Reviews.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ReviewDocument>(new BsonDocument { ["eventId"] = 1, ["userId"] = 1 }, new CreateIndexOptions { Unique = true }),
            new CreateIndexModel<ReviewDocument>(new BsonDocument("userId", 1)),
        ], cancellationToken);
        await database.Attendance.Indexes.CreateOneAsync(
            new CreateIndexModel<AttendanceDocument>(new BsonDocument { ["eventId"] = 1, ["userId"] = 1 }), cancellationToken: cancellationToken);
        await database.Signals.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<SignalDocument>(new BsonDocument { ["e"] = 1, ["k"] = 1, ["at"] = 1 }),
            new CreateIndexModel<SignalDocument>(new BsonDocument { ["u"] = 1, ["at"] = -1 },
                new CreateIndexOptions<SignalDocument> { PartialFilterExpression = new BsonDocument("u", new BsonDocument("$type", "binData")) }),
            new CreateIndexModel<SignalDocument>(new BsonDocument { ["k"] = 1, ["b"] = 1 },
                new CreateIndexOptions<SignalDocument> { Unique = true, PartialFilterExpression = new BsonDocument("b", new BsonDocument("$type", "binData")) }),
        ], cancellationToken);

        var older = await database.Events.Find(new BsonDocument("isBookable", new BsonDocument("$exists", false)))
            .Project<EventDocument>(MongoEventsDatabase.WithoutHolds).ToListAsync(cancellationToken);
        foreach (var document in older)
        {
            var current = EventDocument.From(document.ToEvent());
            await database.Events.UpdateOneAsync(MongoEventsDatabase.ById(document.Id),
                Builders<EventDocument>.Update.Set(d => d.IsBookable, current.IsBookable).Set(d => d.OnSaleUntil, current.OnSaleUntil),
                cancellationToken: cancellationToken);
        }

        await AddTicketTypesAsync(cancellationToken);
    }

    private async Task AddTicketTypesAsync(CancellationToken cancellationToken)
    {
        var untyped = new BsonDocument("ticketTypes", new BsonDocument("$exists", false));
        var older = await database.Events.Find(untyped).Project<EventDocument>(MongoEventsDatabase.WithoutHolds).ToListAsync(cancellationToken);
        foreach (var document in older)
        {
            var type = TicketTypeElement.From(Model.TicketType.DefaultOf(document.ToEvent())).ToBsonDocument();
            type["held"] = "$held";
            type["sold"] = "$sold";
            type["price"] = "$price";
            type["currency"] = "$currency";
            var line = new BsonDocument { ["t"] = type["id"], ["n"] = Model.TicketType.DefaultName, ["q"] = "$$this.q", ["p"] = "$price" };
            var stage = new BsonDocument("$set", new BsonDocument
            {
                ["ticketTypes"] = new BsonArray { type },
                ["holds"] = new BsonDocument("$map", new BsonDocument
                {
                    ["input"] = new BsonDocument("$ifNull", new BsonArray { "$holds", new BsonArray() }),
                    ["in"] = new BsonDocument("$mergeObjects", new BsonArray { "$$this", new BsonDocument("lines", new BsonArray { line }) }),
                }),
            });
            await database.Events.UpdateOneAsync(MongoEventsDatabase.ById(document.Id).AddRange(untyped),
                new PipelineUpdateDefinition<EventDocument>(new[] { stage }), cancellationToken: cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
