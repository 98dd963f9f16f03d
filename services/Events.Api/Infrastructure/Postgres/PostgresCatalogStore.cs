using Events.Api.Model;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>
/// The catalog on PostgreSQL (EF Core). An event's counters are their own row (<c>event_inventory</c>, see
/// <see cref="PostgresInventoryStore"/>): the catalog creates it with the event, reads it beside the event, moves its
/// capacity under the I1 condition and checks it before a delete.
/// </summary>
public sealed class PostgresCatalogStore(EventsDbContext db) : ICatalogStore
{
    public async Task CreateAsync(CatalogEvent created, CancellationToken cancellationToken)
    {
        db.Events.Add(created);
        db.Inventory.Add(new InventoryRow { EventId = created.Id, Capacity = created.Capacity });
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<EventWithInventory?> GetAsync(Guid eventId, CancellationToken cancellationToken) =>
        (await WithInventory(db.Events.AsNoTracking().Where(e => e.Id == eventId)).FirstOrDefaultAsync(cancellationToken))?.ToModel();

    public async Task<SaveResult> SaveAsync(CatalogEvent changed, int expectedVersion, IReadOnlyList<OutgoingEvent> integrationEvents, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The capacity moves only while it still covers every held and sold seat (locks the counters row).
            var capacityRows = await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE event_inventory SET capacity = {changed.Capacity} WHERE event_id = {changed.Id} AND held + sold <= {changed.Capacity}", ct);
            if (capacityRows == 0)
            {
                var exists = await db.Inventory.AnyAsync(i => i.EventId == changed.Id, ct);
                return exists ? SaveResult.CapacityBelowCommitted : SaveResult.NotFound;
            }

            var entry = db.Events.Attach(changed);
            entry.State = EntityState.Modified;
            entry.Property(e => e.Version).OriginalValue = expectedVersion;
            changed.Version = expectedVersion + 1;
            foreach (var integrationEvent in integrationEvents)
            {
                // Same SaveChanges, same transaction: the change and its integration events commit together.
                integrationEvent.AddToOutbox(db);
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                changed.Version = expectedVersion;
                return await db.Events.AnyAsync(e => e.Id == changed.Id, ct) ? SaveResult.Concurrency : SaveResult.NotFound;
            }
            finally
            {
                db.ChangeTracker.Clear();
            }

            await transaction.CommitAsync(ct);
            return SaveResult.Saved;
        }, cancellationToken);
    }

    public async Task<DeleteResult> DeleteAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Lock the counters first: a hold being placed right now either commits before (and blocks the delete) or waits.
            var committed = await db.Database
                .SqlQuery<int>($"SELECT held + sold AS \"Value\" FROM event_inventory WHERE event_id = {eventId} FOR UPDATE")
                .ToListAsync(ct);
            if (committed.Count == 0)
            {
                return DeleteResult.NotFound;
            }

            if (committed[0] > 0)
            {
                return DeleteResult.HasSeatsCommitted;
            }

            // Its counters, holds and reviews go with it (ON DELETE CASCADE).
            await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM events WHERE id = {eventId}", ct);
            await transaction.CommitAsync(ct);
            return DeleteResult.Deleted;
        }, cancellationToken);
    }

    public async Task<Paged<EventWithInventory>> SearchAsync(EventQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Listed: bookable events, still on sale by default, else starting from 'from' (the model's stored IsBookable and OnSaleUntil).
        var events = query.From is { } from
            ? db.Events.AsNoTracking().Where(e => e.IsBookable && e.StartsAt >= from)
            : db.Events.AsNoTracking().Where(e => e.OnSaleUntil > now);
        if (query.To is { } to)
        {
            events = events.Where(e => e.StartsAt <= to);
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            events = events.Where(e => e.Category == query.Category);
        }

        if (!string.IsNullOrWhiteSpace(query.City))
        {
            var city = EscapeLike(query.City.Trim());
            events = events.Where(e => EF.Functions.ILike(e.City, city, "\\"));
        }

        if (!string.IsNullOrWhiteSpace(query.Venue))
        {
            var venue = "%" + EscapeLike(query.Venue.Trim()) + "%";
            events = events.Where(e => EF.Functions.ILike(e.Venue, venue, "\\"));
        }

        if (query.MinPrice is { } min)
        {
            events = events.Where(e => e.Price >= min);
        }

        if (query.MaxPrice is { } max)
        {
            events = events.Where(e => e.Price <= max);
        }

        var text = string.IsNullOrWhiteSpace(query.Text) ? null : query.Text.Trim();
        if (text is not null)
        {
            events = events.Where(e => EF.Property<NpgsqlTsVector>(e, EventsDbContext.SearchVector).Matches(EF.Functions.WebSearchToTsQuery("english", text)));
        }

        var joined = WithInventory(events);
        if (query.OnlyAvailable)
        {
            joined = joined.Where(x => x.Inventory.Capacity - x.Inventory.Held - x.Inventory.Sold > 0);
        }

        var total = await joined.LongCountAsync(cancellationToken);
        var ordered = query.Sort switch
        {
            EventSort.DateDescending => joined.OrderByDescending(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
            EventSort.Price => joined.OrderBy(x => x.Event.Price).ThenBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
            EventSort.PriceDescending => joined.OrderByDescending(x => x.Event.Price).ThenBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
            EventSort.Title => joined.OrderBy(x => x.Event.Title).ThenBy(x => x.Event.Id),
            EventSort.Relevance when text is not null => joined
                .OrderByDescending(x => EF.Property<NpgsqlTsVector>(x.Event, EventsDbContext.SearchVector).Rank(EF.Functions.WebSearchToTsQuery("english", text)))
                .ThenBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
            _ => joined.OrderBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
        };
        var rows = await ordered.Skip(query.Skip).Take(query.PageSize).ToListAsync(cancellationToken);
        return new Paged<EventWithInventory>([.. rows.Select(r => r.ToModel())], query.Page, query.PageSize, total);
    }

    public Task<Paged<EventWithInventory>> ListByOrganizerAsync(Guid organizerId, PageQuery page, CancellationToken cancellationToken) =>
        WithInventory(db.Events.AsNoTracking().Where(e => e.OrganizerId == organizerId))
            .OrderByDescending(x => x.Event.StartsAt).ThenBy(x => x.Event.Id)
            .ToPagedAsync(page, PageQuery.DefaultPageSize, r => r.ToModel(), cancellationToken);

    /// <summary>The events with their counters row.</summary>
    private IQueryable<EventRow> WithInventory(IQueryable<CatalogEvent> events) =>
        from e in events
        join i in db.Inventory.AsNoTracking() on e.Id equals i.EventId
        select new EventRow { Event = e, Inventory = i };

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>An event and its counters row (member-initialized, so EF Core can filter and sort on both).</summary>
    private sealed class EventRow
    {
        public required CatalogEvent Event { get; init; }
        public required InventoryRow Inventory { get; init; }

        public EventWithInventory ToModel() => new(Event, Inventory.ToInventory());
    }
}
