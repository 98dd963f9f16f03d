using System.Text.Json;
using System.Text.RegularExpressions;
using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Driver;
using static Events.Api.Infrastructure.Mongo.MongoEventsDatabase;

namespace Events.Api.Infrastructure.Mongo;

/// <summary>
/// The catalog on MongoDB: a catalog change and its integration events (in the document's <c>outbox</c> array, relayed by
/// <c>MongoOutboxRelay</c>) are one conditional update of the event's document.
/// </summary>
public sealed class MongoCatalogStore(MongoEventsDatabase database) : ICatalogStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What a save never changes: identity, author, counters, holds and outbox (and the version, set from the expected one).</summary>
    private static readonly string[] NotSaved = ["_id", "organizerId", "createdAt", "held", "sold", "holds", "outbox", "version", "ticketTypes"];

    public Task CreateAsync(CatalogEvent created, CancellationToken cancellationToken) =>
        database.Events.InsertOneAsync(EventDocument.Created(created), cancellationToken: cancellationToken);

    public async Task<EventWithInventory?> GetAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var document = await database.Events.Find(ById(eventId)).Project<EventDocument>(WithoutHolds).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ToModel(document);
    }

    public async Task<SaveResult> SaveAsync(CatalogEvent changed, int expectedVersion, IReadOnlyList<OutgoingEvent> integrationEvents, CancellationToken cancellationToken)
    {
        // The version still the one read, and the new capacity still covering every held and sold seat.
        var filter = ById(changed.Id)
            .Add("version", expectedVersion)
            .Add("$expr", new BsonDocument("$lte", new BsonArray { new BsonDocument("$add", new BsonArray { "$held", "$sold" }), changed.Capacity }));
        var set = EventDocument.From(changed).ToBsonDocument();
        foreach (var field in NotSaved)
        {
            set.Remove(field);
        }

        set["version"] = expectedVersion + 1;
        var update = new BsonDocument("$set", set);
        if (integrationEvents.Count > 0)
        {
            var entries = new BsonArray(integrationEvents.Select(e => new BsonDocument
            {
                ["id"] = Id(Guid.CreateVersion7()),
                ["type"] = e.EventName,
                ["data"] = JsonSerializer.Serialize(e.Data, e.Data.GetType(), Json),
                ["at"] = changed.UpdatedAt.UtcDateTime,
            }));
            update.Add("$push", new BsonDocument("outbox", new BsonDocument("$each", entries)));
        }

        var result = await database.Events.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
        if (result.MatchedCount == 1)
        {
            changed.Version = expectedVersion + 1;
            // The ticket types follow (a second update of the document, not atomic with the first): the event's currency;
            // its price for an event with one type; else the event's price is the "from" price of its types.
            await MongoTicketTypeStore.FollowEventAsync(database, changed, cancellationToken);
            return SaveResult.Saved;
        }

        var current = await GetAsync(changed.Id, cancellationToken);
        return current is null ? SaveResult.NotFound
            : current.Event.Version != expectedVersion ? SaveResult.Concurrency
            : SaveResult.CapacityBelowCommitted;
    }

    public async Task<DeleteResult> DeleteAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var result = await database.Events.DeleteOneAsync(ById(eventId).Add("held", 0).Add("sold", 0), cancellationToken);
        if (result.DeletedCount == 1)
        {
            // No cascade in MongoDB: its reviews go here (its holds and counters were in the document).
            await database.Reviews.DeleteManyAsync(new BsonDocument("eventId", Id(eventId)), cancellationToken);
            return DeleteResult.Deleted;
        }

        return await database.Events.CountDocumentsAsync(ById(eventId), cancellationToken: cancellationToken) > 0
            ? DeleteResult.HasSeatsCommitted : DeleteResult.NotFound;
    }

    public async Task<Paged<EventWithInventory>> SearchAsync(EventQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Listed: bookable events, still on sale by default, else starting from 'from' (the model's stored isBookable and onSaleUntil).
        var filter = query.From is null
            ? new BsonDocument("onSaleUntil", new BsonDocument("$gt", now.UtcDateTime))
            : new BsonDocument("isBookable", true);
        var startsAt = new BsonDocument();
        if (query.From is { } from) { startsAt.Add("$gte", from.UtcDateTime); }
        if (query.To is { } to) { startsAt.Add("$lte", to.UtcDateTime); }
        if (startsAt.ElementCount > 0) { filter.Add("startsAt", startsAt); }

        if (!string.IsNullOrWhiteSpace(query.Category)) { filter.Add("category", query.Category); }
        if (!string.IsNullOrWhiteSpace(query.City)) { filter.Add("cityKey", query.City.Trim().ToLowerInvariant()); }
        if (!string.IsNullOrWhiteSpace(query.Venue)) { filter.Add("venue", new BsonRegularExpression(Regex.Escape(query.Venue.Trim()), "i")); }
        if (query.MinPrice is not null || query.MaxPrice is not null)
        {
            var price = new BsonDocument();
            if (query.MinPrice is { } min) { price.Add("$gte", new BsonDecimal128(min)); }
            if (query.MaxPrice is { } max) { price.Add("$lte", new BsonDecimal128(max)); }
            filter.Add("price", price);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            // Every word must appear in the title, venue, city or description (a portable stand-in for a text index).
            var words = query.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            filter.Add("$and", new BsonArray(words.Select(word =>
            {
                var pattern = new BsonRegularExpression(Regex.Escape(word), "i");
                return new BsonDocument("$or", new BsonArray
                {
                    new BsonDocument("title", pattern), new BsonDocument("venue", pattern),
                    new BsonDocument("city", pattern), new BsonDocument("description", pattern),
                });
            })));
        }

        if (query.OnlyAvailable)
        {
            filter.Add("$expr", new BsonDocument("$gt", new BsonArray
            {
                new BsonDocument("$subtract", new BsonArray { "$capacity", new BsonDocument("$add", new BsonArray { "$held", "$sold" }) }), 0,
            }));
        }

        var sort = query.Sort switch
        {
            EventSort.DateDescending => new BsonDocument { ["startsAt"] = -1, ["_id"] = 1 },
            EventSort.Price => new BsonDocument { ["price"] = 1, ["startsAt"] = 1, ["_id"] = 1 },
            EventSort.PriceDescending => new BsonDocument { ["price"] = -1, ["startsAt"] = 1, ["_id"] = 1 },
            EventSort.Title => new BsonDocument { ["title"] = 1, ["_id"] = 1 },
            _ => new BsonDocument { ["startsAt"] = 1, ["_id"] = 1 },
        };
        // As in PostgreSQL: the count stops PagesAhead pages past the page (Paged.TotalCountIsLowerBound).
        var limit = PagingExtensions.CountLimit(query.Skip, query.PageSize);
        var counted = await database.Events.CountDocumentsAsync(filter, new CountOptions { Limit = limit }, cancellationToken);
        var documents = await database.Events.Find(filter).Project<EventDocument>(WithoutHolds).Sort(sort)
            .Skip(query.Skip).Limit(query.PageSize).ToListAsync(cancellationToken);
        return new Paged<EventWithInventory>([.. documents.Select(ToModel)], query.Page, query.PageSize, Math.Min(counted, limit - 1))
        {
            TotalCountIsLowerBound = counted >= limit,
        };
    }

    public async Task<Paged<EventWithInventory>> ListByOrganizerAsync(Guid organizerId, PageQuery page, CancellationToken cancellationToken)
    {
        var mine = database.Events.Find(new BsonDocument("organizerId", Id(organizerId)));
        var total = await mine.CountDocumentsAsync(cancellationToken);
        var documents = await mine.Project<EventDocument>(WithoutHolds).Sort(new BsonDocument { ["startsAt"] = -1, ["_id"] = 1 })
            .Skip(page.Skip()).Limit(page.Size()).ToListAsync(cancellationToken);
        return new Paged<EventWithInventory>([.. documents.Select(ToModel)], page.Number, page.Size(), total);
    }

    private static EventWithInventory ToModel(EventDocument document) => new(document.ToEvent(), document.ToInventory());
}
