using System.Text.Json;
using System.Text.RegularExpressions;
using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Events.Api.Infrastructure;

/// <summary>
/// The MongoDB store. No multi-document transactions (Aspire's MongoDB is a standalone server): every state change is
/// one conditional single-document update. Seat counters and holds live in the event's document, so "add a hold if the
/// seats remain" is one atomic <c>updateOne</c> guarded by <c>$expr</c>; a catalog change and its integration events
/// (in the document's <c>outbox</c> array) are one update too.
/// </summary>
public sealed class MongoEventStore(IMongoDatabase database) : IEventStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal IMongoCollection<EventDocument> Events { get; } = database.GetCollection<EventDocument>("events");
    internal IMongoCollection<ReviewDocument> Reviews { get; } = database.GetCollection<ReviewDocument>("reviews");
    internal IMongoCollection<AttendanceDocument> Attendance { get; } = database.GetCollection<AttendanceDocument>("attendance");

    private static readonly ProjectionDefinition<EventDocument> WithoutHolds =
        Builders<EventDocument>.Projection.Exclude(d => d.Holds).Exclude(d => d.Outbox);

    private static BsonBinaryData Id(Guid id) => new(id, GuidRepresentation.Standard);

    private static BsonDocument ById(Guid id) => new("_id", Id(id));

    // ---------------------------------------------------------------- catalog

    public Task CreateAsync(CatalogEvent created, CancellationToken cancellationToken) =>
        Events.InsertOneAsync(EventDocument.From(created), cancellationToken: cancellationToken);

    public async Task<EventWithInventory?> GetAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var document = await Events.Find(ById(eventId)).Project<EventDocument>(WithoutHolds).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : new EventWithInventory(document.ToEvent(), document.ToInventory());
    }

    public async Task<SaveResult> SaveAsync(CatalogEvent changed, int expectedVersion, IReadOnlyList<OutgoingEvent> integrationEvents, CancellationToken cancellationToken)
    {
        var filter = ById(changed.Id)
            .Add("version", expectedVersion)
            .Add("$expr", new BsonDocument("$lte", new BsonArray { new BsonDocument("$add", new BsonArray { "$held", "$sold" }), changed.Capacity }));
        var document = EventDocument.From(changed);
        var set = new BsonDocument
        {
            ["title"] = document.Title, ["description"] = document.Description, ["venue"] = document.Venue, ["city"] = document.City,
            ["cityKey"] = document.CityKey, ["startsAt"] = document.StartsAt.UtcDateTime, ["endsAt"] = document.EndsAt.UtcDateTime,
            ["timeZone"] = document.TimeZone, ["category"] = document.Category, ["price"] = new BsonDecimal128(document.Price),
            ["currency"] = document.Currency, ["status"] = (int)document.Status, ["imageUrl"] = document.ImageUrl is null ? BsonNull.Value : new BsonString(document.ImageUrl),
            ["updatedAt"] = document.UpdatedAt.UtcDateTime,
            ["publishedAt"] = document.PublishedAt is { } p ? p.UtcDateTime : BsonNull.Value,
            ["cancelledAt"] = document.CancelledAt is { } c ? c.UtcDateTime : BsonNull.Value,
            ["cancellationReason"] = document.CancellationReason is null ? BsonNull.Value : new BsonString(document.CancellationReason),
            ["capacity"] = document.Capacity,
            ["version"] = expectedVersion + 1,
        };
        var update = new BsonDocument("$set", set);
        if (integrationEvents.Count > 0)
        {
            var entries = new BsonArray(integrationEvents.Select(e => new BsonDocument
            {
                ["id"] = Id(Guid.CreateVersion7()),
                ["type"] = e.EventName,
                ["data"] = JsonSerializer.Serialize(e.Data, e.Data.GetType(), Json),
                ["at"] = document.UpdatedAt.UtcDateTime,
            }));
            update.Add("$push", new BsonDocument("outbox", new BsonDocument("$each", entries)));
        }

        var result = await Events.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
        if (result.MatchedCount == 1)
        {
            changed.Version = expectedVersion + 1;
            return SaveResult.Saved;
        }

        var current = await GetAsync(changed.Id, cancellationToken);
        return current is null ? SaveResult.NotFound
            : current.Event.Version != expectedVersion ? SaveResult.Concurrency
            : SaveResult.CapacityBelowCommitted;
    }

    public async Task<DeleteResult> DeleteAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var result = await Events.DeleteOneAsync(ById(eventId).Add("held", 0).Add("sold", 0), cancellationToken);
        if (result.DeletedCount == 1)
        {
            await Reviews.DeleteManyAsync(new BsonDocument("eventId", Id(eventId)), cancellationToken);
            return DeleteResult.Deleted;
        }

        return await Events.CountDocumentsAsync(ById(eventId), cancellationToken: cancellationToken) > 0
            ? DeleteResult.HasSeatsCommitted : DeleteResult.NotFound;
    }

    public async Task<PageOf<EventWithInventory>> SearchAsync(EventQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument("status", (int)EventStatus.Published);
        var startsAt = new BsonDocument(query.From is null ? "$gt" : "$gte", (query.From ?? now).UtcDateTime);
        if (query.To is { } to)
        {
            startsAt.Add("$lte", to.UtcDateTime);
        }

        filter.Add("startsAt", startsAt);
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
        var total = await Events.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var documents = await Events.Find(filter).Project<EventDocument>(WithoutHolds).Sort(sort)
            .Skip((query.Page - 1) * query.PageSize).Limit(query.PageSize).ToListAsync(cancellationToken);
        return new PageOf<EventWithInventory>(documents.Select(d => new EventWithInventory(d.ToEvent(), d.ToInventory())).ToList(),
            query.Page, query.PageSize, total);
    }

    public async Task<IReadOnlyList<EventWithInventory>> ListByOrganizerAsync(Guid organizerId, CancellationToken cancellationToken)
    {
        var documents = await Events.Find(new BsonDocument("organizerId", Id(organizerId))).Project<EventDocument>(WithoutHolds)
            .Sort(new BsonDocument { ["startsAt"] = -1, ["_id"] = 1 }).ToListAsync(cancellationToken);
        return documents.Select(d => new EventWithInventory(d.ToEvent(), d.ToInventory())).ToList();
    }

    public async Task<Inventory?> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        (await GetAsync(eventId, cancellationToken))?.Inventory;

    public async Task<IReadOnlyDictionary<Guid, int>> GetSeatsAvailableAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return new Dictionary<Guid, int>();
        }

        var filter = new BsonDocument("_id", new BsonDocument("$in", new BsonArray(eventIds.Select(Id))));
        var documents = await Events.Find(filter).Project<EventDocument>(WithoutHolds).ToListAsync(cancellationToken);
        return documents.ToDictionary(d => d.Id, d => d.ToInventory().Available);
    }

    // ---------------------------------------------------------------- inventory

    public async Task<IReadOnlyList<PlaceHoldOutcome>> PlaceHoldsAsync(Guid eventId, IReadOnlyList<HoldRequest> requests, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcomes = new List<PlaceHoldOutcome>(requests.Count);
        foreach (var request in requests)
        {
            outcomes.Add(await PlaceHoldAsync(eventId, request, now, cancellationToken));
        }

        return outcomes;
    }

    private async Task<PlaceHoldOutcome> PlaceHoldAsync(Guid eventId, HoldRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A hold id is global (it is the booking id): one that exists already is the first result, or a conflict.
        // (Two different events racing for one new hold id are not caught here; bookings-api never does that.)
        if (await GetHoldAsync(request.HoldId, cancellationToken) is { } known)
        {
            return known.EventId == eventId
                ? new PlaceHoldOutcome(PlaceHoldResult.Existing, known)
                : new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null);
        }

        var hold = new HoldElement { Id = request.HoldId, Quantity = request.Quantity, Status = HoldStatus.Held, ExpiresAt = request.ExpiresAt, CreatedAt = now };
        // One atomic update: on sale, this hold id not there yet, and held + sold + quantity ≤ capacity.
        var filter = ById(eventId)
            .Add("status", (int)EventStatus.Published)
            .Add("startsAt", new BsonDocument("$gt", now.UtcDateTime))
            .Add("holds.id", new BsonDocument("$ne", Id(request.HoldId)))
            .Add("$expr", new BsonDocument("$lte", new BsonArray
            {
                new BsonDocument("$add", new BsonArray { "$held", "$sold", request.Quantity }), "$capacity",
            }));
        var update = new BsonDocument
        {
            ["$inc"] = new BsonDocument("held", request.Quantity),
            ["$push"] = new BsonDocument("holds", hold.ToBsonDocument()),
        };
        var result = await Events.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
        if (result.MatchedCount == 1)
        {
            return new PlaceHoldOutcome(PlaceHoldResult.Created, hold.ToHold(eventId));
        }

        // Why not? Read the event (and this hold, if it exists) to say.
        var document = await FindWithHoldAsync(eventId, request.HoldId, cancellationToken);
        if (document is null)
        {
            var elsewhere = await GetHoldAsync(request.HoldId, cancellationToken);
            return new PlaceHoldOutcome(elsewhere is null ? PlaceHoldResult.EventNotFound : PlaceHoldResult.HoldIdConflict, null);
        }

        if (document.Holds.FirstOrDefault(h => h.Id == request.HoldId) is { } existing)
        {
            return new PlaceHoldOutcome(PlaceHoldResult.Existing, existing.ToHold(eventId));
        }

        var e = document.ToEvent();
        return new PlaceHoldOutcome(e.IsOnSale(now) ? PlaceHoldResult.SoldOut : PlaceHoldResult.NotOnSale, null);
    }

    public async Task<ConfirmHoldOutcome> ConfirmHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Read the hold, then one conditional update from the state read; if the state moved meanwhile, read again.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var document = await FindWithHoldAsync(eventId, holdId, cancellationToken);
            var hold = document?.Holds.FirstOrDefault(h => h.Id == holdId);
            if (document is null || hold is null)
            {
                return new ConfirmHoldOutcome(ConfirmHoldResult.HoldNotFound, null);
            }

            switch (hold.Status)
            {
                case HoldStatus.Confirmed:
                    return new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold.ToHold(eventId));
                case HoldStatus.Released:
                    return new ConfirmHoldOutcome(ConfirmHoldResult.Released, hold.ToHold(eventId));
                case HoldStatus.Held:
                    if (await MoveHoldAsync(eventId, holdId, HoldStatus.Held, HoldStatus.Confirmed, heldDelta: -hold.Quantity, soldDelta: hold.Quantity, extra: null, cancellationToken))
                    {
                        hold.Status = HoldStatus.Confirmed;
                        return new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold.ToHold(eventId));
                    }

                    break;
                case HoldStatus.Expired:
                    var seatsRemain = new BsonDocument("$lte", new BsonArray
                    {
                        new BsonDocument("$add", new BsonArray { "$held", "$sold", hold.Quantity }), "$capacity",
                    });
                    var extra = new BsonDocument { ["status"] = (int)EventStatus.Published, ["$expr"] = seatsRemain };
                    if (await MoveHoldAsync(eventId, holdId, HoldStatus.Expired, HoldStatus.Confirmed, heldDelta: 0, soldDelta: hold.Quantity, extra, cancellationToken))
                    {
                        hold.Status = HoldStatus.Confirmed;
                        return new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold.ToHold(eventId));
                    }

                    // Still expired after the failed update: the seats are gone.
                    var again = (await FindWithHoldAsync(eventId, holdId, cancellationToken))?.Holds.FirstOrDefault(h => h.Id == holdId);
                    if (again?.Status == HoldStatus.Expired)
                    {
                        return new ConfirmHoldOutcome(ConfirmHoldResult.Expired, again.ToHold(eventId));
                    }

                    break;
            }
        }

        throw new InvalidOperationException($"Hold {holdId} kept changing while being confirmed.");
    }

    public async Task<ReleaseHoldResult> ReleaseHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var hold = (await FindWithHoldAsync(eventId, holdId, cancellationToken))?.Holds.FirstOrDefault(h => h.Id == holdId);
            if (hold is null || hold.Status is HoldStatus.Released or HoldStatus.Expired)
            {
                return ReleaseHoldResult.NothingToRelease;
            }

            var moved = hold.Status == HoldStatus.Held
                ? await MoveHoldAsync(eventId, holdId, HoldStatus.Held, HoldStatus.Released, -hold.Quantity, 0, null, cancellationToken)
                : await MoveHoldAsync(eventId, holdId, HoldStatus.Confirmed, HoldStatus.Released, 0, -hold.Quantity, null, cancellationToken);
            if (moved)
            {
                return ReleaseHoldResult.Released;
            }
        }

        throw new InvalidOperationException($"Hold {holdId} kept changing while being released.");
    }

    public async Task<Hold?> GetHoldAsync(Guid holdId, CancellationToken cancellationToken)
    {
        var document = await Events.Find(new BsonDocument("holds.id", Id(holdId)))
            .Project<EventDocument>(Builders<EventDocument>.Projection
                .ElemMatch(d => d.Holds, new BsonDocument("id", Id(holdId))).Include(d => d.Id))
            .FirstOrDefaultAsync(cancellationToken);
        return document?.Holds.FirstOrDefault(h => h.Id == holdId)?.ToHold(document.Id);
    }

    public async Task<InventorySnapshot?> GetInventorySnapshotAsync(Guid eventId, CancellationToken cancellationToken)
    {
        // Counters and holds live in one document: one read is one consistent snapshot.
        var document = await Events.Find(ById(eventId))
            .Project<EventDocument>(Builders<EventDocument>.Projection.Include(d => d.Capacity).Include(d => d.Held).Include(d => d.Sold).Include(d => d.Holds))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : new InventorySnapshot(document.ToInventory(),
            document.Holds.Where(h => h.Status is HoldStatus.Held or HoldStatus.Confirmed).Select(h => h.ToHold(eventId)).ToList());
    }

    public async Task<int> ExpireHoldsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var due = new BsonDocument("holds", new BsonDocument("$elemMatch", new BsonDocument
        {
            ["s"] = (int)HoldStatus.Held,
            ["exp"] = new BsonDocument("$lte", now.UtcDateTime),
        }));
        var documents = await Events.Find(due).Project<EventDocument>(Builders<EventDocument>.Projection.Include(d => d.Holds))
            .Limit(batchSize).ToListAsync(cancellationToken);
        var expired = 0;
        foreach (var document in documents)
        {
            foreach (var hold in document.Holds.Where(h => h.Status == HoldStatus.Held && h.ExpiresAt <= now))
            {
                // Conditional on the hold still being held: replicas sweeping together expire each hold once.
                if (await MoveHoldAsync(document.Id, hold.Id, HoldStatus.Held, HoldStatus.Expired, -hold.Quantity, 0, null, cancellationToken))
                {
                    expired++;
                }

                if (expired >= batchSize)
                {
                    return expired;
                }
            }
        }

        return expired;
    }

    /// <summary>One atomic update: the hold must be in <paramref name="from"/>; its status and the counters move together.</summary>
    private async Task<bool> MoveHoldAsync(Guid eventId, Guid holdId, HoldStatus from, HoldStatus to, int heldDelta, int soldDelta,
        BsonDocument? extra, CancellationToken cancellationToken)
    {
        var filter = ById(eventId).Add("holds", new BsonDocument("$elemMatch", new BsonDocument { ["id"] = Id(holdId), ["s"] = (int)from }));
        if (extra is not null)
        {
            filter.AddRange(extra);
        }

        var update = new BsonDocument
        {
            ["$inc"] = new BsonDocument { ["held"] = heldDelta, ["sold"] = soldDelta },
            ["$set"] = new BsonDocument("holds.$.s", (int)to),
        };
        var result = await Events.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    private Task<EventDocument?> FindWithHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken) =>
        Events.Find(ById(eventId))
            .Project<EventDocument>(Builders<EventDocument>.Projection
                .Include(d => d.Status).Include(d => d.StartsAt).Include(d => d.Capacity).Include(d => d.Held).Include(d => d.Sold)
                .ElemMatch(d => d.Holds, new BsonDocument("id", Id(holdId))))
            .FirstOrDefaultAsync(cancellationToken)!;

    // ---------------------------------------------------------------- attendance and reviews

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
            await Attendance.UpdateOneAsync(ById(attendance.BookingId), insertOnly, new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
        else
        {
            await Attendance.ReplaceOneAsync(ById(attendance.BookingId), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
    }

    public async Task<bool> HasConfirmedBookingAsync(Guid eventId, Guid userId, CancellationToken cancellationToken) =>
        await Attendance.CountDocumentsAsync(new BsonDocument { ["eventId"] = Id(eventId), ["userId"] = Id(userId), ["confirmed"] = true },
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
            document = await Reviews.FindOneAndUpdateAsync<ReviewDocument>(filter, update, options, cancellationToken);
        }
        catch (MongoCommandException ex) when (ex.Code == 11000)
        {
            // Two first reviews at once: the unique index let one insert; this one now updates it.
            document = await Reviews.FindOneAndUpdateAsync<ReviewDocument>(filter, update, options, cancellationToken);
        }

        return (document.ToReview(), document.Id == newId);
    }

    public async Task<(PageOf<Review> Page, ReviewStats Stats)> GetEventReviewsAsync(Guid eventId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument("eventId", Id(eventId));
        var stats = await Reviews.Aggregate()
            .Match(filter)
            .Group(new BsonDocument { ["_id"] = BsonNull.Value, ["count"] = new BsonDocument("$sum", 1), ["avg"] = new BsonDocument("$avg", "$rating") })
            .FirstOrDefaultAsync(cancellationToken);
        var items = await Reviews.Find(filter).Sort(new BsonDocument { ["updatedAt"] = -1, ["_id"] = 1 })
            .Skip((page - 1) * pageSize).Limit(pageSize).ToListAsync(cancellationToken);
        var count = stats is null ? 0 : stats["count"].ToInt32();
        return (new PageOf<Review>(items.Select(r => r.ToReview()).ToList(), page, pageSize, count),
            new ReviewStats(count == 0 ? null : Math.Round(stats!["avg"].ToDouble(), 2), count));
    }

    public async Task<PageOf<Review>> GetUserReviewsAsync(Guid userId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument("userId", Id(userId));
        var total = await Reviews.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var items = await Reviews.Find(filter).Sort(new BsonDocument { ["updatedAt"] = -1, ["_id"] = 1 })
            .Skip((page - 1) * pageSize).Limit(pageSize).ToListAsync(cancellationToken);
        return new PageOf<Review>(items.Select(r => r.ToReview()).ToList(), page, pageSize, total);
    }
}

/// <summary>Creates the MongoDB indexes the store relies on (the unique review index included) at startup.</summary>
public sealed class MongoIndexes(MongoEventStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.Events.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<EventDocument>(new BsonDocument { ["status"] = 1, ["startsAt"] = 1 }),
            new CreateIndexModel<EventDocument>(new BsonDocument("organizerId", 1)),
            new CreateIndexModel<EventDocument>(new BsonDocument("holds.id", 1)),
            new CreateIndexModel<EventDocument>(new BsonDocument { ["holds.s"] = 1, ["holds.exp"] = 1 }),
        ], cancellationToken);
        await store.Reviews.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ReviewDocument>(new BsonDocument { ["eventId"] = 1, ["userId"] = 1 }, new CreateIndexOptions { Unique = true }),
            new CreateIndexModel<ReviewDocument>(new BsonDocument("userId", 1)),
        ], cancellationToken);
        await store.Attendance.Indexes.CreateOneAsync(
            new CreateIndexModel<AttendanceDocument>(new BsonDocument { ["eventId"] = 1, ["userId"] = 1 }), cancellationToken: cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
