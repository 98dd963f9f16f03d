namespace EventBooking.Web.Clients;

/// <summary>
/// An event's waiting room (events-api's <c>GET /api/events/{id}/queue</c>): whether it is on, its rules, and its line's figures
/// (<see cref="Waiting"/> the line's length, <see cref="ActivePasses"/> admitted buyers yet to book; the rest count passes since it began).
/// A room left off switches itself on above <see cref="AutoOnAbovePerMinute"/> holds a minute; <see cref="SwitchedOnAutomaticallyAt"/> says when it did.
/// </summary>
public sealed record WaitingRoomDto(bool Enabled, int AdmissionsPerMinute, int PassLifetimeSeconds, DateTimeOffset? OpensAt, string EarlyArrivals,
    long Waiting, long ActivePasses, long Admitted, long Used, long Expired, int? AutoOnAbovePerMinute = null, DateTimeOffset? SwitchedOnAutomaticallyAt = null);

/// <summary>What an organizer sets on the room (events-api's <c>PUT /api/events/{id}/queue</c>).</summary>
public sealed record WaitingRoomBody(bool Enabled, int? AdmissionsPerMinute, int? PassLifetimeSeconds, DateTimeOffset? OpensAt, string EarlyArrivals,
    int? AutoOnAbovePerMinute);

/// <summary>
/// A buyer's place: <see cref="Status"/> <c>Waiting</c> with <see cref="Position"/> (1 = next) and an estimated wait, or
/// <c>Admitted</c> with the <see cref="Pass"/> to book with before <see cref="PassExpiresAt"/>.
/// </summary>
public sealed record LinePlaceDto(string Status, long? Position, long? Ahead, long? Arrival, int? EstimatedWaitSeconds, long? AdmissionNumber,
    string? Pass, DateTimeOffset? PassExpiresAt)
{
    public bool IsAdmitted => Status == "Admitted";
}

/// <summary>The values of <see cref="WaitingRoomDto.EarlyArrivals"/>: who joins before the opening is served in arrival order, or shuffled.</summary>
public static class EarlyArrivals
{
    public const string FirstCome = "FirstCome";
    public const string Randomized = "Randomized";
}

public sealed partial class EventsClient
{
    public Task<ApiResult<WaitingRoomDto>> GetWaitingRoomAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<WaitingRoomDto>(http, $"/api/events/{id}/queue", Service, cancellationToken);

    /// <summary>Switches the room on or off and sets its rules (the event's organizer or an admin).</summary>
    public Task<ApiResult<WaitingRoomDto>> ConfigureWaitingRoomAsync(Guid id, WaitingRoomBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<WaitingRoomDto>(http, HttpMethod.Put, $"/api/events/{id}/queue", body, Service, cancellationToken);

    /// <summary>Takes a place at the end of the line (joining again answers the place already held).</summary>
    public Task<ApiResult<LinePlaceDto>> JoinLineAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<LinePlaceDto>(http, HttpMethod.Post, $"/api/events/{id}/queue", null, Service, cancellationToken);

    /// <summary>The signed-in buyer's place, or their pass once admitted (<c>not-in-line</c> otherwise).</summary>
    public Task<ApiResult<LinePlaceDto>> GetMyPlaceAsync(Guid id, CancellationToken cancellationToken) =>
        Api.GetAsync<LinePlaceDto>(http, $"/api/events/{id}/queue/me", Service, cancellationToken);

    /// <summary>Leaves the line or gives up an unused pass: the turn goes to the next buyer.</summary>
    public Task<ApiResult<NoBody>> LeaveLineAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Delete, $"/api/events/{id}/queue/me", null, Service, cancellationToken);
}
