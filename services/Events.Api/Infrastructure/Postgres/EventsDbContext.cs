using System.Text;
using EventBooking.Messaging;
using Events.Api.Model;
using Events.Api.Seating;
using Events.Api.WaitingList;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;

namespace Events.Api.Infrastructure.Postgres;

/// <summary>Seat counters of one event (its own row, so catalog edits and sale rushes never contend).</summary>
public sealed class InventoryRow
{
    public Guid EventId { get; set; }
    public int Capacity { get; set; }
    public int Held { get; set; }
    public int Sold { get; set; }

    public Inventory ToInventory() => new(EventId, Capacity, Held, Sold);
}

/// <summary>
/// An event with no seat left (<c>capacity - held - sold &lt;= 0</c>): the database keeps this set in step with the event's
/// counters itself (a trigger on <c>event_inventory</c>, in the same transaction as the change), so the catalog's "only
/// available" walk skips the few sold-out events instead of reading every listed event's counters.
/// </summary>
public sealed class SoldOutRow
{
    public Guid EventId { get; set; }
}

public sealed class HoldRow
{
    public Guid HoldId { get; set; }
    public Guid EventId { get; set; }
    public int Quantity { get; set; }
    public HoldStatus Status { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Hold ToHold() => new(HoldId, EventId, Quantity, Status, ExpiresAt, CreatedAt);
}

/// <summary>A ticket type of an event with its own counters (CHECK <c>ck_ticket_types_no_oversell</c>: I1 per type when capped).</summary>
public sealed class TicketTypeRow
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public decimal Price { get; set; }
    public string Currency { get; set; } = "";
    public int? Capacity { get; set; }
    public int Held { get; set; }
    public int Sold { get; set; }
    public DateTimeOffset? SalesStart { get; set; }
    public DateTimeOffset? SalesEnd { get; set; }
    public int MaxPerOrder { get; set; }
    public TicketTypeVisibility Visibility { get; set; }
    public int SortOrder { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>On a seated event: the seat category this type sells (its capacity is the count of those seats not blocked).</summary>
    public string? SeatCategory { get; set; }

    /// <summary>On a seated event: the general-admission area this type sells (its capacity is the area's).</summary>
    public string? SeatingArea { get; set; }

    public TicketType ToTicketType() => new(Id, EventId, Name, Description, Price, Currency, Capacity, Held, Sold, SalesStart, SalesEnd,
        MaxPerOrder, Visibility, SortOrder, CreatedAt, UpdatedAt);

    public static TicketTypeRow From(TicketType t) => new()
    {
        Id = t.Id, EventId = t.EventId, Name = t.Name, Description = t.Description, Price = t.Price, Currency = t.Currency,
        Capacity = t.Capacity, Held = t.Held, Sold = t.Sold, SalesStart = t.SalesStart, SalesEnd = t.SalesEnd, MaxPerOrder = t.MaxPerOrder,
        Visibility = t.Visibility, SortOrder = t.SortOrder, CreatedAt = t.CreatedAt, UpdatedAt = t.UpdatedAt,
    };
}

/// <summary>
/// Seats of one ticket type in a hold, with the type's name and unit price when they were taken (no foreign key to the type:
/// a type without active seats may be removed while ended holds still name it).
/// </summary>
public sealed class HoldLineRow
{
    public Guid HoldId { get; set; }
    public Guid TicketTypeId { get; set; }
    public string Name { get; set; } = "";
    public int Quantity { get; set; }
    public decimal UnitPrice { get; set; }
}

public sealed class ReviewRow
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public string? UserName { get; set; }
    public int Rating { get; set; }
    public string Text { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public Review ToReview() => new(Id, EventId, UserId, UserName, Rating, Text, CreatedAt, UpdatedAt);
}

public sealed class AttendanceRow
{
    public Guid BookingId { get; set; }
    public Guid EventId { get; set; }
    public Guid UserId { get; set; }
    public bool Confirmed { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}

public sealed class EventsDbContext(DbContextOptions<EventsDbContext> options) : DbContext(options)
{
    public const string SearchVector = "SearchVector";

    public DbSet<CatalogEvent> Events => Set<CatalogEvent>();
    public DbSet<InventoryRow> Inventory => Set<InventoryRow>();
    public DbSet<SoldOutRow> SoldOut => Set<SoldOutRow>();
    public DbSet<HoldRow> Holds => Set<HoldRow>();
    public DbSet<TicketTypeRow> TicketTypes => Set<TicketTypeRow>();
    public DbSet<HoldLineRow> HoldLines => Set<HoldLineRow>();
    public DbSet<ReviewRow> Reviews => Set<ReviewRow>();
    public DbSet<AttendanceRow> Attendance => Set<AttendanceRow>();
    public DbSet<AnalyticsSignalRow> AnalyticsSignals => Set<AnalyticsSignalRow>();
    public DbSet<AnalyticsDroppedRow> AnalyticsDropped => Set<AnalyticsDroppedRow>();
    public DbSet<WaitingListRow> WaitingList => Set<WaitingListRow>();
    public DbSet<VenuePlanRow> VenuePlans => Set<VenuePlanRow>();
    public DbSet<EventSeatingRow> EventSeating => Set<EventSeatingRow>();
    public DbSet<EventSeatRow> EventSeats => Set<EventSeatRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Trigram indexes serve "part of a name" filters (ILIKE '%…%'); a trusted extension, so the database owner may create it.
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.Entity<CatalogEvent>(e =>
        {
            e.ToTable("events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Title).HasMaxLength(EventValidation.MaxTitle);
            e.Property(x => x.Description).HasMaxLength(EventValidation.MaxDescription);
            e.Property(x => x.Venue).HasMaxLength(EventValidation.MaxVenue);
            e.Property(x => x.City).HasMaxLength(EventValidation.MaxCity);
            e.Property(x => x.TimeZone).HasMaxLength(64);
            e.Property(x => x.Category).HasMaxLength(32);
            e.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(x => x.Price).HasPrecision(12, 2);
            e.Property(x => x.ImageUrl).HasMaxLength(EventValidation.MaxImageUrl);
            e.Property(x => x.CancellationReason).HasMaxLength(EventValidation.MaxCancellationReason);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Property<NpgsqlTsVector>(SearchVector)
                .HasComputedColumnSql(
                    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(venue, '') || ' ' || coalesce(city, '')), 'B') || setweight(to_tsvector('english', coalesce(description, '')), 'C')",
                    stored: true);
            e.HasIndex(SearchVector).HasMethod("GIN");
            // Written from the model on every save (CatalogEvent.IsBookable, OnSaleUntil); the queries compare these columns.
            // The catalog's indexes give each filter's matches in page order (ending in the id, the tie-breaker), so a page
            // reads about as many rows as it shows however large the catalog is. Each also holds every column the walk tests
            // (on_sale_until where it is not a key; INCLUDE), so the walk is an index-only scan and reads no event row: at a
            // million events, reading the rows cost a buffer miss each (CatalogCoveringIndexes). A city matches on lower(city),
            // in indexes EF cannot declare, created in migrations: ix_events_lower_city_on_sale_until and
            // ix_events_lower_city_category_price (CatalogAtScale; since CatalogCoveringIndexes they include city itself,
            // without which PostgreSQL does not scan an expression index alone).
            e.HasIndex(x => new { x.OnSaleUntil, x.Id });
            e.HasIndex(x => new { x.IsBookable, x.StartsAt, x.Id });
            e.HasIndex(x => new { x.Category, x.OnSaleUntil, x.Id });
            e.HasIndex(x => new { x.Price, x.StartsAt, x.Id }).IncludeProperties(x => x.OnSaleUntil);
            e.HasIndex(x => new { x.Category, x.Price, x.StartsAt, x.Id }).IncludeProperties(x => x.OnSaleUntil);
            // Dearest first, and the soonest first at one price: an order the two above cannot give read backwards.
            e.HasIndex(x => new { x.Price, x.StartsAt, x.Id }, "IX_events_price_desc_starts_at_id")
                .IsDescending(true, false, false).IncludeProperties(x => x.OnSaleUntil);
            e.HasIndex(x => new { x.Category, x.Price, x.StartsAt, x.Id }, "IX_events_category_price_desc_starts_at_id")
                .IsDescending(false, true, false, false).IncludeProperties(x => x.OnSaleUntil);
            e.HasIndex(x => new { x.Title, x.Id }).IncludeProperties(x => x.OnSaleUntil);
            e.HasIndex(x => x.Venue).HasMethod("gin").HasOperators("gin_trgm_ops");
            e.HasIndex(x => x.OrganizerId);
        });

        modelBuilder.Entity<InventoryRow>(e =>
        {
            e.ToTable("event_inventory", t =>
            {
                // I1 and non-negative counters, enforced by the database itself.
                t.HasCheckConstraint("ck_inventory_no_oversell", "held >= 0 AND sold >= 0 AND held + sold <= capacity");
            });
            e.HasKey(x => x.EventId);
            e.HasOne<CatalogEvent>().WithOne().HasForeignKey<InventoryRow>(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SoldOutRow>(e =>
        {
            // Written only by the trigger (migration SoldOutEvents); EF Core reads it.
            e.ToTable("event_sold_out");
            e.HasKey(x => x.EventId);
            e.HasOne<CatalogEvent>().WithOne().HasForeignKey<SoldOutRow>(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<HoldRow>(e =>
        {
            e.ToTable("holds", t => t.HasCheckConstraint("ck_holds_quantity", "quantity > 0"));
            e.HasKey(x => x.HoldId);
            e.HasIndex(x => x.ExpiresAt).HasFilter("status = 0");
            e.HasIndex(x => x.EventId);
            e.HasOne<CatalogEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TicketTypeRow>(e =>
        {
            e.ToTable("ticket_types", t =>
            {
                // I1 per type (when it has its own cap) and non-negative counters, enforced by the database itself.
                t.HasCheckConstraint("ck_ticket_types_no_oversell", "held >= 0 AND sold >= 0 AND (capacity IS NULL OR held + sold <= capacity)");
                t.HasCheckConstraint("ck_ticket_types_max_per_order", "max_per_order >= 1");
            });
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(TicketTypeRules.MaxName);
            e.Property(x => x.Description).HasMaxLength(TicketTypeRules.MaxDescription);
            e.Property(x => x.Price).HasPrecision(12, 2);
            e.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(x => x.Visibility).HasConversion<short>();
            e.HasIndex(x => new { x.EventId, x.SortOrder, x.Id });
            e.HasOne<CatalogEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
            // A seated event sells each seat category and each general-admission area through one type.
            e.Property(x => x.SeatCategory).HasMaxLength(40);
            e.Property(x => x.SeatingArea).HasMaxLength(40);
            e.HasIndex(x => new { x.EventId, x.SeatCategory }).IsUnique().HasFilter("seat_category IS NOT NULL");
            e.HasIndex(x => new { x.EventId, x.SeatingArea }).IsUnique().HasFilter("seating_area IS NOT NULL");
        });

        modelBuilder.Entity<HoldLineRow>(e =>
        {
            e.ToTable("hold_lines", t => t.HasCheckConstraint("ck_hold_lines_quantity", "quantity > 0"));
            e.HasKey(x => new { x.HoldId, x.TicketTypeId });
            e.Property(x => x.Name).HasMaxLength(TicketTypeRules.MaxName);
            e.Property(x => x.UnitPrice).HasPrecision(12, 2);
            e.HasIndex(x => x.TicketTypeId);
            e.HasOne<HoldRow>().WithMany().HasForeignKey(x => x.HoldId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ReviewRow>(e =>
        {
            e.ToTable("reviews");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.EventId, x.UserId }).IsUnique();
            e.HasIndex(x => x.UserId);
            e.Property(x => x.Text).HasMaxLength(ReviewRules.MaxTextLength);
            e.Property(x => x.UserName).HasMaxLength(200);
            e.HasOne<CatalogEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AttendanceRow>(e =>
        {
            e.ToTable("attendance");
            e.HasKey(x => x.BookingId);
            e.HasIndex(x => new { x.EventId, x.UserId });
        });

        // Analytics: append-only signals (no foreign key: a deleted event's figures may stay, and writes never wait on the catalog).
        modelBuilder.Entity<AnalyticsSignalRow>(e =>
        {
            e.ToTable("analytics_signals", t => t.HasCheckConstraint("ck_analytics_signals_quantity", "quantity >= 0"));
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Amount).HasPrecision(12, 2);
            e.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
            e.Property(x => x.Query).HasMaxLength(200);
            e.HasIndex(x => new { x.EventId, x.Kind, x.OccurredAt });
            e.HasIndex(x => new { x.UserId, x.OccurredAt }).HasFilter("user_id IS NOT NULL");
            // A purchase or cancellation counts once per booking, whatever the inbox of the other store does.
            e.HasIndex(x => new { x.Kind, x.BookingId }).IsUnique().HasFilter("booking_id IS NOT NULL");
        });

        modelBuilder.Entity<AnalyticsDroppedRow>(e =>
        {
            e.ToTable("analytics_dropped");
            e.HasKey(x => x.EventId);
        });

        // Waiting lists of sold-out events, in order of joining (sequence).
        modelBuilder.Entity<WaitingListRow>(e =>
        {
            e.ToTable("waiting_list", t => t.HasCheckConstraint("ck_waiting_list_quantity", "quantity > 0"));
            e.HasKey(x => x.Id);
            e.Property(x => x.Sequence).UseIdentityAlwaysColumn();
            e.Property(x => x.UserEmail).HasMaxLength(320);
            e.Property(x => x.UserName).HasMaxLength(200);
            // One active place (waiting or offered) per account per event; a buyer who left or missed may join again, at the end.
            e.HasIndex(x => new { x.EventId, x.UserId }).IsUnique().HasFilter("status IN (0, 1)");
            e.HasIndex(x => new { x.EventId, x.Sequence });
            e.HasIndex(x => x.OfferId).IsUnique().HasFilter("offer_id IS NOT NULL");
            e.HasIndex(x => x.Status).HasFilter("status IN (0, 1)");
            e.HasOne<CatalogEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        // Reserved seating: venue plans (their content one JSON document), and each seated event's own copy of its plan's seats.
        modelBuilder.Entity<VenuePlanRow>(e =>
        {
            e.ToTable("venue_plans", t => t.HasCheckConstraint("ck_venue_plans_seat_count", $"seat_count BETWEEN 0 AND {PlanRules.MaxSeats}"));
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(PlanRules.MaxName);
            e.Property(x => x.Document).HasColumnType("jsonb");
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.OrganizerId, x.UpdatedAt });
        });

        modelBuilder.Entity<EventSeatingRow>(e =>
        {
            e.ToTable("event_seating");
            e.HasKey(x => x.EventId);
            e.Property(x => x.PlanName).HasMaxLength(PlanRules.MaxName);
            e.Property(x => x.Layout).HasColumnType("jsonb");
            e.HasIndex(x => x.PlanId);
            e.HasOne<CatalogEvent>().WithOne().HasForeignKey<EventSeatingRow>(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
            // A plan an event is on cannot be removed (the API says 409 plan-in-use first).
            e.HasOne<VenuePlanRow>().WithMany().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<EventSeatRow>(e =>
        {
            e.ToTable("event_seats", t =>
            {
                t.HasCheckConstraint("ck_event_seats_status", "status BETWEEN 0 AND 3");
                // A blocked seat says why, and only a blocked one; a held or sold seat names its hold.
                t.HasCheckConstraint("ck_event_seats_block_reason", "(status = 3) = (block_reason IS NOT NULL)");
                t.HasCheckConstraint("ck_event_seats_hold", "status NOT IN (1, 2) OR hold_id IS NOT NULL");
            });
            e.HasKey(x => new { x.EventId, x.SeatId });
            e.Property(x => x.SeatId).HasMaxLength(40);
            e.Property(x => x.AreaId).HasMaxLength(40);
            e.Property(x => x.RowLabel).HasMaxLength(PlanRules.MaxLabel);
            e.Property(x => x.NumberLabel).HasMaxLength(PlanRules.MaxLabel);
            e.Property(x => x.Category).HasMaxLength(40);
            e.Property(x => x.BlockReason).HasMaxLength(200);
            e.Property(x => x.Flags).HasConversion<short>();
            e.Property(x => x.Status).HasConversion<short>();
            e.HasIndex(x => new { x.EventId, x.Ordinal }).IsUnique();
            // The availability poll reads only the seats not for sale.
            e.HasIndex(x => x.EventId).HasFilter("status <> 0").HasDatabaseName("ix_event_seats_unavailable");
            // Confirming, releasing and expiring a hold find its seats by hold, not by scanning the event's seats.
            e.HasIndex(x => new { x.EventId, x.HoldId }).HasFilter("hold_id IS NOT NULL").HasDatabaseName("ix_event_seats_hold");
            e.HasOne<EventSeatingRow>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        // snake_case columns: the inventory path is hand-written SQL and should read naturally.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }

        // The transactional outbox (event.updated, event.cancelled) and the inbox (booking events), from EventBooking.Messaging.
        modelBuilder.AddOutboxMessageEntity();
        modelBuilder.AddInboxMessageEntity();
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
