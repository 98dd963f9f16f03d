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
        db.TicketTypes.Add(TicketTypeRow.From(TicketType.DefaultOf(created)));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<EventWithInventory?> GetAsync(Guid eventId, CancellationToken cancellationToken) =>
        (await WithInventory(db.Events.AsNoTracking().Where(e => e.Id == eventId)).Select(Shown).FirstOrDefaultAsync(cancellationToken))?.ToModel();

    public async Task<SaveResult> SaveAsync(CatalogEvent changed, int expectedVersion, IReadOnlyList<OutgoingEvent> integrationEvents, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Lock the counters row, then ask whether the event is on a venue plan (putting it on one locks that row first, so
            // none slips in meanwhile): a seated event's capacity is its seats' and standing places', not changed by hand.
            var locked = await db.Database
                .SqlQuery<int>($"SELECT capacity AS \"Value\" FROM event_inventory WHERE event_id = {changed.Id} FOR UPDATE").ToListAsync(ct);
            if (locked is [var capacity] && capacity != changed.Capacity
                && await db.EventSeating.AnyAsync(s => s.EventId == changed.Id, ct))
            {
                return SaveResult.SeatedCapacity;
            }

            // The capacity moves only while it still covers every held and sold seat.
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

            // The ticket types follow: one currency per event; an event with one type sells it at the event's price; with
            // several, the event's price is the "from" price of its types (what an edit sent for it is overwritten).
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                UPDATE ticket_types SET currency = {changed.Currency}, updated_at = {changed.UpdatedAt} WHERE event_id = {changed.Id} AND currency <> {changed.Currency};
                UPDATE ticket_types SET price = {changed.Price}, updated_at = {changed.UpdatedAt}
                WHERE event_id = {changed.Id} AND price <> {changed.Price} AND (SELECT count(*) FROM ticket_types o WHERE o.event_id = {changed.Id}) = 1
                """, ct);
            await db.Database.ExecuteSqlRawAsync(PostgresTicketTypeStore.FromPriceSql.Replace("$1", "{0}", StringComparison.Ordinal), [changed.Id], ct);

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
        // Every filter and sort has an index that yields matches in page order (see EventsDbContext), and the count stops
        // PagesAhead pages past the page: a page costs what it shows, not what the catalog holds.
        var onSale = query.From is null;
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
            // A city matches whole and ignoring case: lower(city) has an index (the store's migrations).
            var city = query.City.Trim().ToLowerInvariant();
#pragma warning disable CA1862 // translated to SQL: lower(city) = @city, which the index serves; string.Equals would not use it
            events = events.Where(e => e.City.ToLower() == city);
#pragma warning restore CA1862
        }

        if (!string.IsNullOrWhiteSpace(query.Venue))
        {
            // Part of a venue's name, ignoring case: a trigram index serves it.
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

        // Only events with a seat left: those not in the sold-out set, which the database keeps in step with the counters.
        // The walk then reads no event's counters (a probe of a small index per event instead of the counters row).
        if (query.OnlyAvailable)
        {
            events = events.Where(e => !db.SoldOut.Any(s => s.EventId == e.Id));
        }

        // One walk of the matches in page order gives both the bounded count and the page: the ids of every match up to
        // PagesAhead pages past the page (an index-only scan where the filter's index holds the order and the id), then the
        // page's events with their counters by id.
        var filtered = WithoutInventory(events);
        var limit = PagingExtensions.CountLimit(query.Skip, query.PageSize);
        var ids = await Ordered(filtered, query, text, onSale).Select(x => x.Event.Id).Take(limit).ToListAsync(cancellationToken);
        var pageIds = ids.Skip(query.Skip).Take(query.PageSize).ToList();
        var found = pageIds.Count == 0
            ? []
            : await WithInventory(db.Events.AsNoTracking().Where(e => pageIds.Contains(e.Id))).Select(Shown).ToDictionaryAsync(r => r.Event.Id, cancellationToken);
        // An event deleted between the two reads drops out of the page.
        var rows = pageIds.Where(found.ContainsKey).Select(id => found[id]).ToList();
        var (total, totalIsLowerBound) = ids.Count >= limit ? (limit - 1L, true) : (ids.Count, false);
        return new Paged<EventWithInventory>([.. rows.Select(r => r.ToModel())], query.Page, query.PageSize, total)
        {
            TotalCountIsLowerBound = totalIsLowerBound,
        };
    }

    /// <summary>
    /// The search's order. While on sale, an event's OnSaleUntil is its start (CatalogEvent.OnSaleUntil): ordering by it is
    /// ordering by date, and the same index then serves the filter and the order.
    /// </summary>
    private static IOrderedQueryable<EventRow> Ordered(IQueryable<EventRow> rows, EventQuery query, string? text, bool onSale) => query.Sort switch
    {
        EventSort.Date when onSale => rows.OrderBy(x => x.Event.OnSaleUntil).ThenBy(x => x.Event.Id),
        EventSort.DateDescending when onSale => rows.OrderByDescending(x => x.Event.OnSaleUntil).ThenByDescending(x => x.Event.Id),
        EventSort.DateDescending => rows.OrderByDescending(x => x.Event.StartsAt).ThenByDescending(x => x.Event.Id),
        EventSort.Price => rows.OrderBy(x => x.Event.Price).ThenBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
        EventSort.PriceDescending => rows.OrderByDescending(x => x.Event.Price).ThenBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
        EventSort.Title => rows.OrderBy(x => x.Event.Title).ThenBy(x => x.Event.Id),
        EventSort.Relevance when text is not null => rows
            .OrderByDescending(x => EF.Property<NpgsqlTsVector>(x.Event, EventsDbContext.SearchVector).Rank(EF.Functions.WebSearchToTsQuery("english", text)))
            .ThenBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
        _ => rows.OrderBy(x => x.Event.StartsAt).ThenBy(x => x.Event.Id),
    };

    public Task<Paged<EventWithInventory>> ListByOrganizerAsync(Guid organizerId, PageQuery page, CancellationToken cancellationToken) =>
        WithInventory(db.Events.AsNoTracking().Where(e => e.OrganizerId == organizerId))
            .OrderByDescending(x => x.Event.StartsAt).ThenBy(x => x.Event.Id)
            .Select(Shown)
            .ToPagedAsync(page, PageQuery.DefaultPageSize, r => r.ToModel(), cancellationToken);

    /// <summary>The events alone, in the shape the search orders (their counters row is joined once the page is cut).</summary>
    private static IQueryable<EventRow> WithoutInventory(IQueryable<CatalogEvent> events) =>
        events.Select(e => new EventRow { Event = e, Inventory = null! });

    /// <summary>The events with their counters row.</summary>
    private IQueryable<EventRow> WithInventory(IQueryable<CatalogEvent> events) =>
        from e in events
        join i in db.Inventory.AsNoTracking() on e.Id equals i.EventId
        select new EventRow { Event = e, Inventory = i };

    /// <summary>
    /// The columns an event is shown with: all but the stored search vector, which only the database's search reads (it is
    /// larger than the rest of the row together).
    /// </summary>
    private static readonly System.Linq.Expressions.Expression<Func<EventRow, EventRow>> Shown = x => new EventRow
    {
        Event = new CatalogEvent
        {
            Id = x.Event.Id, OrganizerId = x.Event.OrganizerId, Title = x.Event.Title, Description = x.Event.Description,
            Venue = x.Event.Venue, City = x.Event.City, StartsAt = x.Event.StartsAt, EndsAt = x.Event.EndsAt,
            TimeZone = x.Event.TimeZone, Category = x.Event.Category, Capacity = x.Event.Capacity, Price = x.Event.Price,
            Currency = x.Event.Currency, Status = x.Event.Status, ImageUrl = x.Event.ImageUrl, CreatedAt = x.Event.CreatedAt,
            UpdatedAt = x.Event.UpdatedAt, PublishedAt = x.Event.PublishedAt, CancelledAt = x.Event.CancelledAt,
            CancellationReason = x.Event.CancellationReason, Version = x.Event.Version, CalendarSequence = x.Event.CalendarSequence,
        },
        Inventory = x.Inventory,
    };

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
