using System.Net.Http.Headers;

namespace EventBooking.Web.Clients;

// events-api's venue plans and seated events (docs/seating.md; services/Events.Api/Apis/VenuePlansApi.cs, EventSeatingApi.cs,
// services/Events.Api/Seating/PlanDocument.cs, PlanEditing.cs, EventSeating.cs, SeatMap.cs).

/// <summary>A plan in the organizer's list (no seats).</summary>
public sealed record VenuePlanSummaryDto(Guid Id, Guid OrganizerId, string Name, int SeatCount, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A plan with its document.</summary>
public sealed record VenuePlanDto(Guid Id, Guid OrganizerId, string Name, int Version, int SeatCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    PlanDocumentDto Plan);

/// <summary>The plan's JSON document (docs/venue-plan.schema.json).</summary>
public sealed record PlanDocumentDto(int? SchemaVersion, string? Name, IReadOnlyList<PlanCategoryDto>? Categories, IReadOnlyList<PlanAreaDto>? Areas);

/// <summary>A category (price zone): <see cref="Key"/> names it in seats and prices.</summary>
public sealed record PlanCategoryDto(string? Key, string? Name, string? Color);

/// <summary>An area: <see cref="Kind"/> <c>Reserved</c> with <see cref="Seats"/>, or <c>GeneralAdmission</c> with <see cref="Capacity"/>.</summary>
public sealed record PlanAreaDto(string? Id, string? Name, string? Kind, int? Capacity, IReadOnlyList<PlanSeatDto>? Seats)
{
    public bool IsStanding => Kind == AreaKinds.GeneralAdmission;
}

/// <summary>A seat of a plan; the flags default to false and <see cref="Present"/> to true.</summary>
public sealed record PlanSeatDto(string? Id, string? Row, string? Number, double? X, double? Y, string? Category, int? Rank,
    bool? Wheelchair = null, bool? Companion = null, bool? RestrictedView = null, bool? Present = null);

/// <summary>The values of <see cref="PlanAreaDto.Kind"/>, layouts and numbering directions, as events-api names them.</summary>
public static class AreaKinds
{
    public const string Reserved = "Reserved";
    public const string GeneralAdmission = "GeneralAdmission";
    public static readonly string[] Layouts = ["Straight", "Curved", "Staggered"];
    public static readonly string[] Numberings = ["LeftToRight", "RightToLeft"];
}

/// <summary>The body of <c>POST /api/venue-plans/{planId}/areas</c>.</summary>
public sealed record GenerateAreaBody(string? Id, string? Name, string Kind, int? Rows, int? SeatsPerRow, string? FirstRow, int? FirstNumber,
    string? Numbering, string? Layout, string? Category, int? Capacity, double? OriginX, double? OriginY, double? ArcDegrees);

/// <summary>One edit of <c>PATCH /api/venue-plans/{planId}/seats</c>: the members given change, the others stay.</summary>
public sealed record SeatEditBody(string SeatId, bool? Present = null, string? Row = null, string? Number = null, string? Category = null, int? Rank = null,
    bool? Wheelchair = null, bool? Companion = null, bool? RestrictedView = null);

/// <summary>One category (<see cref="Category"/>) or one standing area (<see cref="Area"/>) and its ticket type's price.</summary>
public sealed record SeatingPriceBody(string? Category, string? Area, Guid? TicketTypeId, string? Name, decimal? Price);

/// <summary>An event's seat map (<c>GET /api/events/{id}/seating</c>).</summary>
public sealed record SeatMapDto(Guid EventId, Guid PlanId, string PlanName, long Version, string Currency, IReadOnlyList<SeatMapCategoryDto> Categories,
    IReadOnlyList<SeatMapAreaDto> Areas);

public sealed record SeatMapCategoryDto(string Key, string Name, string? Color, Guid TicketTypeId, decimal Price);

/// <summary>A reserved area (<see cref="Seats"/>) or a standing one (<see cref="Capacity"/>, <see cref="Available"/>).</summary>
public sealed record SeatMapAreaDto(string Id, string Name, string Kind, Guid? TicketTypeId, decimal? Price, int? Capacity, int? Available, SeatColumnsDto? Seats);

/// <summary>One array per seat property; <see cref="Category"/> indexes the map's categories; <see cref="Flags"/> 1 wheelchair + 2 companion + 4 restricted view.</summary>
public sealed record SeatColumnsDto(string[] Ids, string[] Rows, string[] Numbers, double[] X, double[] Y, int[] Category, int[] Flags, bool[] Available);

/// <summary>What a seat map polls (<c>GET /api/events/{id}/seating/availability</c>): the seats not for sale and each standing area's places left.</summary>
public sealed record SeatAvailabilityDto(long Version, IReadOnlyList<string> Unavailable, IReadOnlyDictionary<string, int>? Areas);

/// <summary>A blocked seat and why.</summary>
public sealed record BlockedSeatDto(string SeatId, string AreaId, string Row, string Number, string Reason, DateTimeOffset BlockedAt);

public sealed partial class EventsClient
{
    public Task<ApiResult<Paged<VenuePlanSummaryDto>>> ListVenuePlansAsync(CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<VenuePlanSummaryDto>>(http, $"/api/venue-plans?page=1&pageSize={PageQuery.MaxPageSize}", Service, cancellationToken);

    public Task<ApiResult<VenuePlanDto>> GetVenuePlanAsync(Guid planId, CancellationToken cancellationToken) =>
        Api.GetAsync<VenuePlanDto>(http, $"/api/venue-plans/{planId}", Service, cancellationToken);

    /// <summary>A new plan from a document (a name and categories, or a whole imported plan).</summary>
    public Task<ApiResult<VenuePlanDto>> CreateVenuePlanAsync(PlanDocumentDto document, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<VenuePlanDto>(http, HttpMethod.Post, "/api/venue-plans", document, Service, cancellationToken);

    /// <summary>A new plan from a JSON file as it was uploaded: events-api checks it and names every error by its path.</summary>
    public Task<ApiResult<VenuePlanDto>> ImportVenuePlanAsync(byte[] json, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Api.SendAsync<VenuePlanDto>(http, new HttpRequestMessage(HttpMethod.Post, "/api/venue-plans") { Content = content }, Service, cancellationToken);
    }

    /// <summary>The plan's JSON document as events-api writes it, as bytes.</summary>
    public Task<ApiResult<byte[]>> ExportVenuePlanAsync(Guid planId, CancellationToken cancellationToken) =>
        Api.GetAsync<byte[]>(http, $"/api/venue-plans/{planId}/export", Service, cancellationToken);

    public Task<ApiResult<VenuePlanDto>> AddVenuePlanAreaAsync(Guid planId, GenerateAreaBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<VenuePlanDto>(http, HttpMethod.Post, $"/api/venue-plans/{planId}/areas", body, Service, cancellationToken);

    /// <summary>Edits single seats, all or none.</summary>
    public Task<ApiResult<VenuePlanDto>> EditVenuePlanSeatsAsync(Guid planId, IReadOnlyList<SeatEditBody> edits, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<VenuePlanDto>(http, HttpMethod.Patch, $"/api/venue-plans/{planId}/seats", new { edits }, Service, cancellationToken);

    /// <summary>Puts the event on a plan with a ticket type per category and standing area (before sales).</summary>
    public Task<ApiResult<SeatMapDto>> PutEventOnPlanAsync(Guid id, Guid planId, IReadOnlyList<SeatingPriceBody> prices, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<SeatMapDto>(http, HttpMethod.Put, $"/api/events/{id}/seating", new { planId, prices }, Service, cancellationToken);

    /// <summary>The event's seat map; an <c>event-not-seated</c> problem while it is on no plan.</summary>
    public Task<ApiResult<SeatMapDto>> GetSeatMapAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<SeatMapDto>(http, $"/api/events/{id}/seating", Service, cancellationToken);

    /// <summary>The seats not for sale now (held, sold or blocked) and the standing places left, with the map's version.</summary>
    public Task<ApiResult<SeatAvailabilityDto>> GetSeatAvailabilityAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<SeatAvailabilityDto>(http, $"/api/events/{id}/seating/availability", Service, cancellationToken);

    public Task<ApiResult<List<BlockedSeatDto>>> GetBlockedSeatsAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<List<BlockedSeatDto>>(http, $"/api/events/{id}/seating/blocked", Service, cancellationToken);

    public Task<ApiResult<NoBody>> BlockSeatsAsync(Guid id, IReadOnlyList<string> seatIds, string reason, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Post, $"/api/events/{id}/seating/block", new { seatIds, reason }, Service, cancellationToken);

    public Task<ApiResult<NoBody>> ReleaseSeatsAsync(Guid id, IReadOnlyList<string> seatIds, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Post, $"/api/events/{id}/seating/release", new { seatIds }, Service, cancellationToken);
}
