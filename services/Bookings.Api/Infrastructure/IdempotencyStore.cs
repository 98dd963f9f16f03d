using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Infrastructure;

/// <summary>
/// What an <c>Idempotency-Key</c> says about a request: the id its resource gets, and the stored answer once there is one.
/// <paramref name="IsNew"/>: this request reserved the key (and a fresh resource id) just now, so nothing was done under it yet.
/// </summary>
public sealed record IdempotencyClaim(Guid ResourceId, bool HashMismatch, int? StatusCode, string? ResponseBody, bool IsNew = false);

/// <summary>
/// Stores <c>Idempotency-Key</c>s per user and operation with the hash of the request body (I3). The first request
/// reserves the key and the id of the resource it will create; duplicates, even concurrent ones, get the same id. Once the
/// request is answered, its status and body are kept so that duplicates replay them.
/// </summary>
public sealed class IdempotencyStore(BookingsDbContext db, TimeProvider time)
{
    public const int MaxKeyLength = 200;

    public static string Hash(object request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, JsonSerializerOptions.Web))));

    public async Task<IdempotencyClaim> ClaimAsync(Guid userId, string scope, string key, string requestHash, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // One statement: the unique key (user, scope, key) lets exactly one request reserve it; a key that expired is taken
        // over as if new. A live duplicate returns nothing here (its row is left untouched) and is read below.
        var claimed = await db.IdempotencyRecords.FromSql($"""
            INSERT INTO idempotency_keys ("UserId", "Scope", "Key", "RequestHash", "ResourceId", "CreatedAt", "ExpiresAt")
            VALUES ({userId}, {scope}, {key}, {requestHash}, {Guid.CreateVersion7()}, {now}, {now + lifetime})
            ON CONFLICT ("UserId", "Scope", "Key") DO UPDATE SET
                "RequestHash" = EXCLUDED."RequestHash", "ResourceId" = EXCLUDED."ResourceId", "StatusCode" = NULL,
                "ResponseBody" = NULL, "Location" = NULL, "CreatedAt" = EXCLUDED."CreatedAt", "ExpiresAt" = EXCLUDED."ExpiresAt"
            WHERE idempotency_keys."ExpiresAt" < EXCLUDED."CreatedAt"
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        var record = claimed.Count == 1
            ? claimed[0]
            : await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.UserId == userId && r.Scope == scope && r.Key == key, cancellationToken);
        return new IdempotencyClaim(record.ResourceId, record.RequestHash != requestHash, record.StatusCode, record.ResponseBody, IsNew: claimed.Count == 1);
    }

    /// <summary>Remembers the final answer so later duplicates replay it. A stored success is never overwritten by a refusal.</summary>
    public async Task CompleteAsync(Guid userId, string scope, string key, int statusCode, string responseBody, CancellationToken cancellationToken)
    {
        var refusal = statusCode >= StatusCodes.Status400BadRequest;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE idempotency_keys SET "StatusCode" = {statusCode}, "ResponseBody" = {responseBody}
            WHERE "UserId" = {userId} AND "Scope" = {scope} AND "Key" = {key} AND (NOT {refusal} OR "StatusCode" IS NULL)
            """, cancellationToken);
    }

    /// <summary>Forgets idempotency keys older than their lifetime.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.IdempotencyRecords.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }
}
