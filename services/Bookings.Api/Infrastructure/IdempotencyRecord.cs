namespace Bookings.Api.Infrastructure;

/// <summary>
/// One <c>Idempotency-Key</c> of one user for one operation, kept for 24 hours: the hash of the request it came with,
/// the resource it created and, once finished, the response to replay. The unique key (user, scope, key) makes
/// concurrent duplicates converge on one resource.
/// </summary>
public sealed class IdempotencyRecord
{
    public Guid UserId { get; set; }
    public string Scope { get; set; } = "";
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public Guid ResourceId { get; set; }
    public int? StatusCode { get; set; }
    public string? ResponseBody { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
