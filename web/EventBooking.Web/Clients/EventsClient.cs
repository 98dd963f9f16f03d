namespace EventBooking.Web.Clients;

// events-api DTOs: services/Events.Api/Apis/Dtos.cs (categories: services/Events.Api/Model/Categories.cs).
public sealed record EventDto(
    Guid Id, string Title, string Description, string Venue, string City, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string TimeZone, string Category, int Capacity, decimal Price, string Currency, Guid OrganizerId, string Status,
    string? ImageUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? CancelledAt,
    string? CancellationReason, int Available, int Version);

public sealed record Availability(Guid EventId, int Capacity, int Available, int Held, int Sold, IReadOnlyList<TicketTypeAvailability>? TicketTypes = null);

/// <summary>A ticket type's live seats available (<c>GET /api/events/{id}/availability</c>).</summary>
public sealed record TicketTypeAvailability(Guid TicketTypeId, string Name, int? Capacity, int Available);

/// <summary>
/// A ticket type as events-api shows it (<c>GET /api/events/{id}/ticket-types</c>): <see cref="Available"/> is live (the event's seats,
/// at most the type's own rest), <see cref="OnSale"/> the event on sale and the type in its window; hidden types, <see cref="Held"/>
/// and <see cref="Sold"/> only for its organizer or an admin. <see cref="Visibility"/> is <c>Public</c> or <c>Hidden</c>.
/// </summary>
public sealed record TicketTypeDto(
    Guid Id, Guid EventId, string Name, string? Description, decimal Price, string Currency, int? Capacity, int Available, bool OnSale,
    DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd, int MaxPerOrder, string Visibility, int SortOrder, int? Held, int? Sold)
{
    public bool IsHidden => Visibility == TicketTypeVisibility.Hidden;
}

/// <summary>The values of <see cref="TicketTypeDto.Visibility"/>.</summary>
public static class TicketTypeVisibility
{
    public const string Public = "Public";
    public const string Hidden = "Hidden";
}

/// <summary>The body of a ticket type's creation and replacement (every field; capacity null shares the event's).</summary>
public sealed record TicketTypeBody(
    string? Name, string? Description, decimal? Price, int? Capacity, DateTimeOffset? SalesStart, DateTimeOffset? SalesEnd,
    int? MaxPerOrder, string Visibility, int? SortOrder);

public sealed record CategoryDto(string Id, string Name);

public sealed record ReviewDto(Guid Id, Guid EventId, Guid UserId, string? UserName, int Rating, string Text, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>An event's average rating (null without reviews) and how many reviews it has.</summary>
public sealed record ReviewSummary(double? AverageRating, int Count);

/// <summary>The body of create and update (events-api binds only these fields).</summary>
public sealed record EventBody(
    string? Title, string? Description, string? Venue, string? City, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    string? TimeZone, string? Category, int? Capacity, decimal? Price, string? Currency, string? ImageUrl);

public sealed record EventSearch(string? Text = null, string? Category = null, string? City = null, DateTimeOffset? From = null,
    DateTimeOffset? To = null, decimal? MaxPrice = null, bool OnlyAvailable = false, string Sort = "date", int Page = 1, int PageSize = 12);

/// <summary>One bucket of an event's analytics series (its start in UTC; money in the event's currency).</summary>
public sealed record AnalyticsPoint(
    DateTimeOffset Start, long Views, long Impressions, long Holds, long Purchases, long TicketsSold, long Cancellations, decimal Revenue, decimal Refunds);

/// <summary>Views → holds → purchases, with the rate of each step (0–1; null when undefined).</summary>
public sealed record Funnel(long Views, long Holds, long Purchases, double? ViewToHold, double? HoldToPurchase, double? Conversion);

/// <summary>events-api's <c>GET /api/events/{id}/analytics</c>.</summary>
public sealed record EventAnalytics(
    Guid EventId, string EventTitle, DateTimeOffset From, DateTimeOffset To, string Bucket, string Currency,
    long Views, long UniqueVisitors, long SearchImpressions, long Holds, long HeldSeats, long Purchases, long TicketsSold,
    long Cancellations, long TicketsCancelled, decimal Revenue, decimal Refunds, decimal NetRevenue, Funnel Funnel,
    long DroppedSignals, IReadOnlyList<AnalyticsPoint> Series);

/// <summary>One thing a person did: <c>kind</c> is view, search, purchase or cancellation.</summary>
public sealed record ActivityDto(
    string Kind, Guid? EventId, string? EventTitle, DateTimeOffset OccurredAt, int? Quantity, decimal? Amount, string? Currency, string? Query, int? Results);

/// <summary>events-api: catalog, availability, reviews, organizer events, analytics.</summary>
public sealed partial class EventsClient(HttpClient http)
{
    private const string Service = "Service_Catalog";

    public Task<ApiResult<Paged<EventDto>>> SearchAsync(EventSearch search, CancellationToken cancellationToken)
    {
        var query = $"/api/events?page={search.Page}&pageSize={search.PageSize}&sort={Uri.EscapeDataString(search.Sort)}"
            + Query.Param("q", search.Text) + Query.Param("category", search.Category) + Query.Param("city", search.City)
            + Query.Param("from", search.From?.ToString("O")) + Query.Param("to", search.To?.ToString("O"))
            + Query.Param("maxPrice", search.MaxPrice?.ToString(System.Globalization.CultureInfo.InvariantCulture))
            + (search.OnlyAvailable ? "&onlyAvailable=true" : "");
        return Api.GetAsync<Paged<EventDto>>(http, query, Service, cancellationToken);
    }

    public Task<ApiResult<EventDto>> GetAsync(Guid id, CancellationToken cancellationToken) => Api.GetAsync<EventDto>(http, $"/api/events/{id}", Service, cancellationToken);

    /// <summary>The event's iCalendar file (events-api's <c>calendar.ics</c>), as bytes.</summary>
    public Task<ApiResult<byte[]>> GetCalendarAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<byte[]>(http, $"/api/events/{id}/calendar.ics", Service, cancellationToken);

    public Task<ApiResult<Availability>> GetAvailabilityAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<Availability>(http, $"/api/events/{id}/availability", Service, cancellationToken);

    /// <summary>The event's ticket types, by their order (hidden ones only for its organizer or an admin).</summary>
    public Task<ApiResult<List<TicketTypeDto>>> GetTicketTypesAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<List<TicketTypeDto>>(http, $"/api/events/{id}/ticket-types", Service, cancellationToken);

    public Task<ApiResult<TicketTypeDto>> AddTicketTypeAsync(Guid id, TicketTypeBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<TicketTypeDto>(http, HttpMethod.Post, $"/api/events/{id}/ticket-types", body, Service, cancellationToken);

    public Task<ApiResult<TicketTypeDto>> UpdateTicketTypeAsync(Guid id, Guid typeId, TicketTypeBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<TicketTypeDto>(http, HttpMethod.Put, $"/api/events/{id}/ticket-types/{typeId}", body, Service, cancellationToken);

    public Task<ApiResult<NoBody>> DeleteTicketTypeAsync(Guid id, Guid typeId, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Delete, $"/api/events/{id}/ticket-types/{typeId}", null, Service, cancellationToken);

    public Task<ApiResult<List<CategoryDto>>> GetCategoriesAsync(CancellationToken cancellationToken) =>
        Api.GetAsync<List<CategoryDto>>(http, "/api/categories", Service, cancellationToken);

    /// <summary>The newest reviews of an event (one page).</summary>
    public Task<ApiResult<Paged<ReviewDto>>> GetReviewsAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<ReviewDto>>(http, $"/api/events/{id}/reviews?page=1&pageSize=20", Service, cancellationToken);

    /// <summary>The average rating and number of reviews of an event, over all its reviews.</summary>
    public Task<ApiResult<ReviewSummary>> GetReviewSummaryAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<ReviewSummary>(http, $"/api/events/{id}/reviews/summary", Service, cancellationToken);

    public Task<ApiResult<ReviewDto>> PostReviewAsync(Guid id, int rating, string text, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<ReviewDto>(http, HttpMethod.Post, $"/api/events/{id}/reviews", new { rating, text }, Service, cancellationToken);

    public Task<ApiResult<Paged<EventDto>>> GetMyEventsAsync(int page, CancellationToken cancellationToken, int pageSize = PageQuery.MaxPageSize) =>
        Api.GetAsync<Paged<EventDto>>(http, $"/api/organizers/me/events?page={page}&pageSize={pageSize}", Service, cancellationToken);

    /// <summary>An event's analytics over <paramref name="period"/> before now (events-api's default when null: since the event's creation, at most 30 days).</summary>
    public Task<ApiResult<EventAnalytics>> GetAnalyticsAsync(Guid id, TimeSpan? period, string? bucket, CancellationToken cancellationToken) =>
        Api.GetAsync<EventAnalytics>(http, $"/api/events/{id}/analytics?"
            + (period is { } p ? "from=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.Add(-p).ToString("O")) : "")
            + Query.Param("bucket", bucket), Service, cancellationToken);

    /// <summary>The signed-in person's own activity, newest first.</summary>
    public Task<ApiResult<Paged<ActivityDto>>> GetMyActivityAsync(int page, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<ActivityDto>>(http, $"/api/me/activity?page={page}&pageSize=20", Service, cancellationToken);

    public Task<ApiResult<EventDto>> CreateAsync(EventBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<EventDto>(http, HttpMethod.Post, "/api/events", body, Service, cancellationToken);

    public Task<ApiResult<EventDto>> UpdateAsync(Guid id, EventBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<EventDto>(http, HttpMethod.Put, $"/api/events/{id}", body, Service, cancellationToken);

    public Task<ApiResult<EventDto>> PublishAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<EventDto>(http, HttpMethod.Post, $"/api/events/{id}/publish", null, Service, cancellationToken);

    public Task<ApiResult<EventDto>> CancelAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<EventDto>(http, HttpMethod.Post, $"/api/events/{id}/cancel", new { reason }, Service, cancellationToken);
}
