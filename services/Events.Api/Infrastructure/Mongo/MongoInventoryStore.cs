using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Driver;
using static Events.Api.Infrastructure.Mongo.MongoEventsDatabase;

namespace Events.Api.Infrastructure.Mongo;

/// <summary>
/// The seat inventory on MongoDB: the counters and the holds live in the event's document, so "add a hold if the event is
/// on sale and the seats remain" is one atomic <c>updateOne</c> guarded by <c>$expr</c>. Whether an event is on sale or
/// bookable is read from the fields the catalog writes from the model (<c>onSaleUntil</c>, <c>isBookable</c>).
/// </summary>
public sealed class MongoInventoryStore(MongoEventsDatabase database) : IInventoryStore
{
    private IMongoCollection<EventDocument> Events => database.Events;

    public async Task<Inventory?> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var document = await Events.Find(ById(eventId)).Project<EventDocument>(Counters).FirstOrDefaultAsync(cancellationToken);
        return document?.ToInventory();
    }

    public async Task<IReadOnlyDictionary<Guid, int>> GetSeatsAvailableAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return new Dictionary<Guid, int>();
        }

        var filter = new BsonDocument("_id", new BsonDocument("$in", new BsonArray(eventIds.Select(Id))));
        var documents = await Events.Find(filter).Project<EventDocument>(Counters).ToListAsync(cancellationToken);
        return documents.ToDictionary(d => d.Id, d => d.ToInventory().Available);
    }

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

        // The lines, decided from the types as read (their rules: visibility, sales window, per-order limit).
        var read = await FindWithHoldAsync(eventId, request.HoldId, cancellationToken);
        if (read is null)
        {
            return new PlaceHoldOutcome(PlaceHoldResult.EventNotFound, null);
        }

        if (!CatalogEvent.IsOnSaleAt(read.OnSaleUntil, now))
        {
            return new PlaceHoldOutcome(PlaceHoldResult.NotOnSale, null);
        }

        var (lines, refusal) = HoldRules.ResolveLines(request, [.. read.TicketTypes.Select(t => t.ToTicketType(eventId))], now);
        if (lines is null)
        {
            return new PlaceHoldOutcome(refusal, null);
        }

        var hold = new HoldElement
        {
            Id = request.HoldId, Quantity = request.Quantity, Status = HoldStatus.Held, ExpiresAt = request.ExpiresAt, CreatedAt = now,
            Lines = [.. lines.Select(HoldLineElement.From)],
        };
        // One atomic update: on sale, this hold id not there yet, held + sold + quantity ≤ capacity, and the same per capped type.
        var filter = ById(eventId)
            .Add("onSaleUntil", new BsonDocument("$gt", now.UtcDateTime))
            .Add("holds.id", new BsonDocument("$ne", Id(request.HoldId)))
            .Add("$expr", new BsonDocument("$and", new BsonArray(lines.Select(l => TypeSeatsRemain(l.TicketTypeId, l.Quantity)).Prepend(SeatsRemain(request.Quantity)))));
        var inc = new BsonDocument("held", request.Quantity);
        foreach (var (line, index) in lines.Select((l, i) => (l, i)))
        {
            inc[$"ticketTypes.$[t{index}].held"] = line.Quantity;
        }

        var update = new BsonDocument
        {
            ["$inc"] = inc,
            ["$push"] = new BsonDocument("holds", hold.ToBsonDocument()),
        };
        var result = await Events.UpdateOneAsync(filter, update, new UpdateOptions { ArrayFilters = TypeFilters(lines) }, cancellationToken);
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

        return new PlaceHoldOutcome(CatalogEvent.IsOnSaleAt(document.OnSaleUntil, now) ? PlaceHoldResult.SoldOut : PlaceHoldResult.NotOnSale, null);
    }

    public async Task<IReadOnlyList<ConfirmHoldOutcome>> ConfirmHoldsAsync(Guid eventId, IReadOnlyList<Guid> holdIds, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // Each confirmation is one conditional update of the event's document, atomic on its own, in order.
        var outcomes = new List<ConfirmHoldOutcome>(holdIds.Count);
        foreach (var holdId in holdIds)
        {
            outcomes.Add(await ConfirmHoldAsync(eventId, holdId, now, cancellationToken));
        }

        return outcomes;
    }

    private async Task<ConfirmHoldOutcome> ConfirmHoldAsync(Guid eventId, Guid holdId, DateTimeOffset now, CancellationToken cancellationToken)
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
                    if (await MoveHoldAsync(eventId, hold, HoldStatus.Confirmed, heldSign: -1, soldSign: 1, extra: null, cancellationToken))
                    {
                        hold.Status = HoldStatus.Confirmed;
                        return new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, hold.ToHold(eventId));
                    }

                    break;
                case HoldStatus.Expired:
                    // A late payment takes the seats back only if they remain and the event is still bookable.
                    var extra = new BsonDocument
                    {
                        ["isBookable"] = true,
                        ["$expr"] = new BsonDocument("$and", new BsonArray(hold.Lines.Select(l => TypeSeatsRemain(l.TicketTypeId, l.Quantity)).Prepend(SeatsRemain(hold.Quantity)))),
                    };
                    if (await MoveHoldAsync(eventId, hold, HoldStatus.Confirmed, heldSign: 0, soldSign: 1, extra, cancellationToken))
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
                ? await MoveHoldAsync(eventId, hold, HoldStatus.Released, -1, 0, null, cancellationToken)
                : await MoveHoldAsync(eventId, hold, HoldStatus.Released, 0, -1, null, cancellationToken);
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
            .Project<EventDocument>(Builders<EventDocument>.Projection.Include(d => d.Capacity).Include(d => d.Held).Include(d => d.Sold)
                .Include(d => d.Holds).Include(d => d.TicketTypes))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : new InventorySnapshot(document.ToInventory(),
            document.Holds.Where(h => h.Status is HoldStatus.Held or HoldStatus.Confirmed).Select(h => h.ToHold(eventId)).ToList())
        {
            TicketTypes = [.. document.TicketTypes.OrderBy(t => t.SortOrder).ThenBy(t => t.Id).Select(t => t.ToTicketType(eventId))],
        };
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
                if (await MoveHoldAsync(document.Id, hold, HoldStatus.Expired, -1, 0, null, cancellationToken))
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

    /// <summary>The seat counters of an event, nothing else.</summary>
    private static ProjectionDefinition<EventDocument> Counters { get; } =
        Builders<EventDocument>.Projection.Include(d => d.Capacity).Include(d => d.Held).Include(d => d.Sold);

    /// <summary>held + sold + <paramref name="quantity"/> ≤ capacity (an <c>$expr</c>).</summary>
    private static BsonDocument SeatsRemain(int quantity) => new("$lte", new BsonArray
    {
        new BsonDocument("$add", new BsonArray { "$held", "$sold", quantity }), "$capacity",
    });

    /// <summary>A type's held + sold + <paramref name="quantity"/> ≤ its capacity, or it has none (an <c>$expr</c>).</summary>
    private static BsonDocument TypeSeatsRemain(Guid ticketTypeId, int quantity) => new("$let", new BsonDocument
    {
        ["vars"] = new BsonDocument("t", new BsonDocument("$first", new BsonDocument("$filter", new BsonDocument
        {
            ["input"] = "$ticketTypes",
            ["cond"] = new BsonDocument("$eq", new BsonArray { "$$this.id", Id(ticketTypeId) }),
        }))),
        ["in"] = new BsonDocument("$lte", new BsonArray
        {
            new BsonDocument("$add", new BsonArray { "$$t.held", "$$t.sold", quantity }),
            new BsonDocument("$ifNull", new BsonArray { "$$t.capacity", int.MaxValue }),
        }),
    });

    /// <summary>One array filter per line (<c>t0</c>, <c>t1</c>, …) naming its type in <c>ticketTypes</c>.</summary>
    private static ArrayFilterDefinition[] TypeFilters(IEnumerable<HoldLine> lines) =>
        [.. lines.Select((l, i) => (ArrayFilterDefinition)new BsonDocumentArrayFilterDefinition<BsonDocument>(new BsonDocument($"t{i}.id", Id(l.TicketTypeId))))];

    /// <summary>
    /// One atomic update: the hold must still be in the status read; its status, the event's counters (by the hold's quantity
    /// times <paramref name="heldSign"/> and <paramref name="soldSign"/>) and each line's type's counters (likewise) move together.
    /// </summary>
    private async Task<bool> MoveHoldAsync(Guid eventId, HoldElement hold, HoldStatus to, int heldSign, int soldSign,
        BsonDocument? extra, CancellationToken cancellationToken)
    {
        var filter = ById(eventId).Add("holds", new BsonDocument("$elemMatch", new BsonDocument { ["id"] = Id(hold.Id), ["s"] = (int)hold.Status }));
        if (extra is not null)
        {
            filter.AddRange(extra);
        }

        var inc = new BsonDocument { ["held"] = heldSign * hold.Quantity, ["sold"] = soldSign * hold.Quantity };
        foreach (var (line, index) in hold.Lines.Select((l, i) => (l, i)))
        {
            inc[$"ticketTypes.$[t{index}].held"] = heldSign * line.Quantity;
            inc[$"ticketTypes.$[t{index}].sold"] = soldSign * line.Quantity;
        }

        var update = new BsonDocument
        {
            ["$inc"] = inc,
            ["$set"] = new BsonDocument("holds.$[h].s", (int)to),
        };
        var filters = TypeFilters(hold.Lines.Select(l => new HoldLine(l.TicketTypeId, l.Name, l.Quantity, l.UnitPrice)))
            .Append(new BsonDocumentArrayFilterDefinition<BsonDocument>(new BsonDocument("h.id", Id(hold.Id)))).ToArray();
        var result = await Events.UpdateOneAsync(filter, update, new UpdateOptions { ArrayFilters = filters }, cancellationToken);
        return result.ModifiedCount == 1;
    }

    private Task<EventDocument?> FindWithHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken) =>
        Events.Find(ById(eventId))
            .Project<EventDocument>(Builders<EventDocument>.Projection
                .Include(d => d.OnSaleUntil).Include(d => d.Capacity).Include(d => d.Held).Include(d => d.Sold).Include(d => d.TicketTypes)
                .ElemMatch(d => d.Holds, new BsonDocument("id", Id(holdId))))
            .FirstOrDefaultAsync(cancellationToken)!;
}
