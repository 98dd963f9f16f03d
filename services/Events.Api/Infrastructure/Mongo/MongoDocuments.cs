using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace Events.Api.Infrastructure.Mongo;

/// <summary>
/// One event in MongoDB: catalog fields, seat counters, its holds and its pending integration events in ONE document,
/// so every inventory change (and the outbox entry that goes with a catalog change) is a single-document atomic update.
/// </summary>
[BsonIgnoreExtraElements]
public sealed class EventDocument
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid Id { get; set; }
    [BsonElement("organizerId"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid OrganizerId { get; set; }
    [BsonElement("title")] public string Title { get; set; } = "";
    [BsonElement("description")] public string Description { get; set; } = "";
    [BsonElement("venue")] public string Venue { get; set; } = "";
    [BsonElement("city")] public string City { get; set; } = "";
    [BsonElement("cityKey")] public string CityKey { get; set; } = "";
    [BsonElement("startsAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset StartsAt { get; set; }
    [BsonElement("endsAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset EndsAt { get; set; }
    [BsonElement("timeZone")] public string TimeZone { get; set; } = "UTC";
    [BsonElement("category")] public string Category { get; set; } = "";
    [BsonElement("price"), BsonRepresentation(BsonType.Decimal128)] public decimal Price { get; set; }
    [BsonElement("currency")] public string Currency { get; set; } = "";
    [BsonElement("status"), BsonRepresentation(BsonType.Int32)] public EventStatus Status { get; set; }
    [BsonElement("imageUrl")] public string? ImageUrl { get; set; }
    [BsonElement("createdAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset CreatedAt { get; set; }
    [BsonElement("updatedAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset UpdatedAt { get; set; }
    [BsonElement("publishedAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset? PublishedAt { get; set; }
    [BsonElement("cancelledAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset? CancelledAt { get; set; }
    [BsonElement("cancellationReason")] public string? CancellationReason { get; set; }
    [BsonElement("version")] public int Version { get; set; }
    /// <summary>Absent from documents written before it existed: read as 0, like the column's default.</summary>
    [BsonElement("calendarSequence")] public int CalendarSequence { get; set; }
    /// <summary>Written from <see cref="CatalogEvent.IsBookable"/> on every save; queried, never derived here.</summary>
    [BsonElement("isBookable")] public bool IsBookable { get; set; }
    /// <summary>Written from <see cref="CatalogEvent.OnSaleUntil"/> on every save; queried, never derived here.</summary>
    [BsonElement("onSaleUntil"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset? OnSaleUntil { get; set; }
    [BsonElement("capacity")] public int Capacity { get; set; }
    [BsonElement("held")] public int Held { get; set; }
    [BsonElement("sold")] public int Sold { get; set; }
    [BsonElement("holds")] public List<HoldElement> Holds { get; set; } = [];
    /// <summary>The event's ticket types with their counters (absent from documents written before types: MongoSchema adds the one "Standard").</summary>
    [BsonElement("ticketTypes")] public List<TicketTypeElement> TicketTypes { get; set; } = [];
    [BsonElement("outbox")] public List<OutboxElement> Outbox { get; set; } = [];

    public static EventDocument From(CatalogEvent e) => new()
    {
        Id = e.Id, OrganizerId = e.OrganizerId, Title = e.Title, Description = e.Description, Venue = e.Venue, City = e.City,
        CityKey = e.City.ToLowerInvariant(), StartsAt = e.StartsAt, EndsAt = e.EndsAt, TimeZone = e.TimeZone, Category = e.Category,
        Price = e.Price, Currency = e.Currency, Status = e.Status, ImageUrl = e.ImageUrl, CreatedAt = e.CreatedAt, UpdatedAt = e.UpdatedAt,
        PublishedAt = e.PublishedAt, CancelledAt = e.CancelledAt, CancellationReason = e.CancellationReason, Version = e.Version,
        CalendarSequence = e.CalendarSequence,
        IsBookable = e.IsBookable, OnSaleUntil = e.OnSaleUntil, Capacity = e.Capacity,
    };

    /// <summary>A new event's document, with its one default ticket type.</summary>
    public static EventDocument Created(CatalogEvent e)
    {
        var document = From(e);
        document.TicketTypes = [TicketTypeElement.From(TicketType.DefaultOf(e))];
        return document;
    }

    public CatalogEvent ToEvent() => new()
    {
        Id = Id, OrganizerId = OrganizerId, Title = Title, Description = Description, Venue = Venue, City = City, StartsAt = StartsAt,
        EndsAt = EndsAt, TimeZone = TimeZone, Category = Category, Capacity = Capacity, Price = Price, Currency = Currency, Status = Status,
        ImageUrl = ImageUrl, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt, PublishedAt = PublishedAt, CancelledAt = CancelledAt,
        CancellationReason = CancellationReason, Version = Version, CalendarSequence = CalendarSequence,
    };

    public Inventory ToInventory() => new(Id, Capacity, Held, Sold);
}

public sealed class HoldElement
{
    [BsonElement("id"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid Id { get; set; }
    [BsonElement("q")] public int Quantity { get; set; }
    [BsonElement("s"), BsonRepresentation(BsonType.Int32)] public HoldStatus Status { get; set; }
    [BsonElement("exp"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset ExpiresAt { get; set; }
    [BsonElement("at"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset CreatedAt { get; set; }
    [BsonElement("lines")] public List<HoldLineElement> Lines { get; set; } = [];

    public Hold ToHold(Guid eventId) => new(Id, eventId, Quantity, Status, ExpiresAt, CreatedAt)
    {
        Lines = Lines.Select(l => new HoldLine(l.TicketTypeId, l.Name, l.Quantity, l.UnitPrice)).ToList(),
    };
}

public sealed class HoldLineElement
{
    [BsonElement("t"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid TicketTypeId { get; set; }
    [BsonElement("n")] public string Name { get; set; } = "";
    [BsonElement("q")] public int Quantity { get; set; }
    [BsonElement("p"), BsonRepresentation(BsonType.Decimal128)] public decimal UnitPrice { get; set; }

    public static HoldLineElement From(HoldLine l) => new() { TicketTypeId = l.TicketTypeId, Name = l.Name, Quantity = l.Quantity, UnitPrice = l.UnitPrice };
}

/// <summary>A ticket type inside its event's document, with its own counters (kept with the event's by the same single-document updates).</summary>
[BsonIgnoreExtraElements]
public sealed class TicketTypeElement
{
    [BsonElement("id"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid Id { get; set; }
    [BsonElement("name")] public string Name { get; set; } = "";
    [BsonElement("description")] public string? Description { get; set; }
    [BsonElement("price"), BsonRepresentation(BsonType.Decimal128)] public decimal Price { get; set; }
    [BsonElement("currency")] public string Currency { get; set; } = "";
    [BsonElement("capacity")] public int? Capacity { get; set; }
    [BsonElement("held")] public int Held { get; set; }
    [BsonElement("sold")] public int Sold { get; set; }
    [BsonElement("salesStart"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset? SalesStart { get; set; }
    [BsonElement("salesEnd"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset? SalesEnd { get; set; }
    [BsonElement("maxPerOrder")] public int MaxPerOrder { get; set; }
    [BsonElement("visibility"), BsonRepresentation(BsonType.Int32)] public TicketTypeVisibility Visibility { get; set; }
    [BsonElement("sortOrder")] public int SortOrder { get; set; }
    [BsonElement("createdAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset CreatedAt { get; set; }
    [BsonElement("updatedAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset UpdatedAt { get; set; }

    public TicketType ToTicketType(Guid eventId) => new(Id, eventId, Name, Description, Price, Currency, Capacity, Held, Sold, SalesStart, SalesEnd,
        MaxPerOrder, Visibility, SortOrder, CreatedAt, UpdatedAt);

    public static TicketTypeElement From(TicketType t) => new()
    {
        Id = t.Id, Name = t.Name, Description = t.Description, Price = t.Price, Currency = t.Currency, Capacity = t.Capacity, Held = t.Held,
        Sold = t.Sold, SalesStart = t.SalesStart, SalesEnd = t.SalesEnd, MaxPerOrder = t.MaxPerOrder, Visibility = t.Visibility,
        SortOrder = t.SortOrder, CreatedAt = t.CreatedAt, UpdatedAt = t.UpdatedAt,
    };
}

/// <summary>An integration event waiting in its event's document for the relay.</summary>
public sealed class OutboxElement
{
    [BsonElement("id"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid Id { get; set; }
    [BsonElement("type")] public string Type { get; set; } = "";
    [BsonElement("data")] public string Data { get; set; } = "";
    [BsonElement("at"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset CreatedAt { get; set; }
}

[BsonIgnoreExtraElements]
public sealed class ReviewDocument
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid Id { get; set; }
    [BsonElement("eventId"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid EventId { get; set; }
    [BsonElement("userId"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid UserId { get; set; }
    [BsonElement("userName")] public string? UserName { get; set; }
    [BsonElement("rating")] public int Rating { get; set; }
    [BsonElement("text")] public string Text { get; set; } = "";
    [BsonElement("createdAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset CreatedAt { get; set; }
    [BsonElement("updatedAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset UpdatedAt { get; set; }

    public Review ToReview() => new(Id, EventId, UserId, UserName, Rating, Text, CreatedAt, UpdatedAt);
}

[BsonIgnoreExtraElements]
public sealed class AttendanceDocument
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid BookingId { get; set; }
    [BsonElement("eventId"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid EventId { get; set; }
    [BsonElement("userId"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid UserId { get; set; }
    [BsonElement("confirmed")] public bool Confirmed { get; set; }
    [BsonElement("changedAt"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>One analytics signal (collection <c>analytics</c>); a purchase or cancellation is unique per kind and booking.</summary>
[BsonIgnoreExtraElements]
public sealed class SignalDocument
{
    [BsonId] public ObjectId Id { get; set; }
    [BsonElement("k")] public int Kind { get; set; }
    [BsonElement("e"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid? EventId { get; set; }
    [BsonElement("u"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid? UserId { get; set; }
    [BsonElement("v"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid? VisitorId { get; set; }
    [BsonElement("at"), BsonRepresentation(BsonType.DateTime)] public DateTimeOffset OccurredAt { get; set; }
    [BsonElement("q")] public int Quantity { get; set; }
    [BsonElement("a"), BsonRepresentation(BsonType.Decimal128)] public decimal? Amount { get; set; }
    [BsonElement("c")] public string? Currency { get; set; }
    [BsonElement("text")] public string? Query { get; set; }
    [BsonElement("r")] public int? Results { get; set; }
    [BsonElement("b"), BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid? BookingId { get; set; }

    public static SignalDocument From(Signal s) => new()
    {
        Id = ObjectId.GenerateNewId(), Kind = (int)s.Kind, EventId = s.EventId, UserId = s.UserId, VisitorId = s.VisitorId,
        OccurredAt = s.OccurredAt, Quantity = s.Quantity, Amount = s.Amount, Currency = s.Currency, Query = s.Query, Results = s.Results,
        BookingId = s.BookingId,
    };

    public Signal ToSignal() => new((SignalKind)Kind, EventId, UserId, VisitorId, OccurredAt, Quantity, Amount, Currency, Query, BookingId, Results);
}

/// <summary>How many of an event's signals were dropped (collection <c>analytics_dropped</c>, one document per event).</summary>
[BsonIgnoreExtraElements]
public sealed class DroppedDocument
{
    [BsonId, BsonGuidRepresentation(GuidRepresentation.Standard)] public Guid EventId { get; set; }
    [BsonElement("n")] public long Dropped { get; set; }
}
