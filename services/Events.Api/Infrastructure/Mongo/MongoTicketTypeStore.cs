using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Driver;
using static Events.Api.Infrastructure.Mongo.MongoEventsDatabase;

namespace Events.Api.Infrastructure.Mongo;

/// <summary>
/// Ticket types on MongoDB: an array in the event's document (<c>ticketTypes</c>), so a type's counters move with the event's
/// in the same single-document updates. A change is one conditional update (on the type's counters as read, retried when
/// they moved); the event's "from" price is set by a second update. <b>Not run against a real server here.</b>
/// </summary>
public sealed class MongoTicketTypeStore(MongoEventsDatabase database) : ITicketTypeStore
{
    public async Task<IReadOnlyList<TicketType>> ListAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var document = await database.Events.Find(ById(eventId)).Project<EventDocument>(Builders<EventDocument>.Projection.Include(d => d.TicketTypes))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? [] : Ordered(document);
    }

    public async Task<TicketTypeChange> AddAsync(TicketType created, CancellationToken cancellationToken)
    {
        var result = await database.Events.UpdateOneAsync(ById(created.EventId),
            new BsonDocument("$push", new BsonDocument("ticketTypes", TicketTypeElement.From(created).ToBsonDocument())), cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            return new TicketTypeChange(TicketTypeChangeResult.EventNotFound);
        }

        await SetFromPriceAsync(database, created.EventId, cancellationToken);
        return TicketTypeChange.Done;
    }

    public async Task<TicketTypeChange> UpdateAsync(TicketType changed, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var types = await ListAsync(changed.EventId, cancellationToken);
            if (types.FirstOrDefault(t => t.Id == changed.Id) is not { } current)
            {
                return new TicketTypeChange(TicketTypeChangeResult.NotFound);
            }

            if (changed.Capacity is { } capacity && capacity < current.Committed)
            {
                return new TicketTypeChange(TicketTypeChangeResult.CapacityBelowCommitted, current.Committed);
            }

            // Conditional on the counters read: a hold placed meanwhile makes us read again.
            var element = TicketTypeElement.From(changed with { Held = current.Held, Sold = current.Sold });
            var filter = ById(changed.EventId).Add("ticketTypes", new BsonDocument("$elemMatch", new BsonDocument
            {
                ["id"] = Id(changed.Id), ["held"] = current.Held, ["sold"] = current.Sold,
            }));
            var result = await database.Events.UpdateOneAsync(filter,
                new BsonDocument("$set", new BsonDocument("ticketTypes.$", element.ToBsonDocument())), cancellationToken: cancellationToken);
            if (result.MatchedCount == 1)
            {
                await SetFromPriceAsync(database, changed.EventId, cancellationToken);
                return TicketTypeChange.Done;
            }
        }

        throw new InvalidOperationException($"Ticket type {changed.Id} kept changing while being updated.");
    }

    public async Task<TicketTypeChange> DeleteAsync(Guid eventId, Guid ticketTypeId, CancellationToken cancellationToken)
    {
        // Only without seats held or sold, and never the last one.
        var filter = ById(eventId)
            .Add("ticketTypes.1", new BsonDocument("$exists", true))
            .Add("ticketTypes", new BsonDocument("$elemMatch", new BsonDocument { ["id"] = Id(ticketTypeId), ["held"] = 0, ["sold"] = 0 }));
        var result = await database.Events.UpdateOneAsync(filter,
            new BsonDocument("$pull", new BsonDocument("ticketTypes", new BsonDocument("id", Id(ticketTypeId)))), cancellationToken: cancellationToken);
        if (result.MatchedCount == 1)
        {
            await SetFromPriceAsync(database, eventId, cancellationToken);
            return TicketTypeChange.Done;
        }

        var exists = await database.Events.CountDocumentsAsync(ById(eventId), cancellationToken: cancellationToken) > 0;
        var types = await ListAsync(eventId, cancellationToken);
        return types.FirstOrDefault(t => t.Id == ticketTypeId) is not { } type ? new TicketTypeChange(exists ? TicketTypeChangeResult.NotFound : TicketTypeChangeResult.EventNotFound)
            : type.Committed > 0 ? new TicketTypeChange(TicketTypeChangeResult.HasSales, type.Committed)
            : new TicketTypeChange(TicketTypeChangeResult.LastType);
    }

    /// <summary>After an event is saved: every type in its currency, its one type at its price, its price the "from" price of several.</summary>
    internal static async Task FollowEventAsync(MongoEventsDatabase database, CatalogEvent changed, CancellationToken cancellationToken)
    {
        var set = new BsonDocument("ticketTypes.$[].currency", changed.Currency);
        await database.Events.UpdateOneAsync(ById(changed.Id), new BsonDocument("$set", set), cancellationToken: cancellationToken);
        await database.Events.UpdateOneAsync(ById(changed.Id).Add("ticketTypes", new BsonDocument("$size", 1)),
            new BsonDocument("$set", new BsonDocument("ticketTypes.0.price", new BsonDecimal128(changed.Price))), cancellationToken: cancellationToken);
        await SetFromPriceAsync(database, changed.Id, cancellationToken);
    }

    /// <summary>The event's price := its cheapest public type's (unchanged when none is public).</summary>
    private static async Task SetFromPriceAsync(MongoEventsDatabase database, Guid eventId, CancellationToken cancellationToken)
    {
        var document = await database.Events.Find(ById(eventId)).Project<EventDocument>(Builders<EventDocument>.Projection.Include(d => d.TicketTypes))
            .FirstOrDefaultAsync(cancellationToken);
        if (document is not null && TicketType.FromPrice(Ordered(document)) is { } price)
        {
            await database.Events.UpdateOneAsync(ById(eventId), new BsonDocument("$set", new BsonDocument("price", new BsonDecimal128(price))),
                cancellationToken: cancellationToken);
        }
    }

    private static List<TicketType> Ordered(EventDocument document) =>
        [.. document.TicketTypes.OrderBy(t => t.SortOrder).ThenBy(t => t.Id).Select(t => t.ToTicketType(document.Id))];
}
