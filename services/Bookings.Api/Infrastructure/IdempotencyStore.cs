using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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

    // One statement: the unique key (user, scope, key) lets exactly one request reserve it; a key that expired is taken over
    // as if new. A live duplicate returns nothing here (its row is left untouched) and is read by ReadSql.
    private const string ClaimSql = """
        INSERT INTO idempotency_keys ("UserId", "Scope", "Key", "RequestHash", "ResourceId", "CreatedAt", "ExpiresAt")
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT ("UserId", "Scope", "Key") DO UPDATE SET
            "RequestHash" = EXCLUDED."RequestHash", "ResourceId" = EXCLUDED."ResourceId", "StatusCode" = NULL,
            "ResponseBody" = NULL, "Location" = NULL, "CreatedAt" = EXCLUDED."CreatedAt", "ExpiresAt" = EXCLUDED."ExpiresAt"
        WHERE idempotency_keys."ExpiresAt" < EXCLUDED."CreatedAt"
        RETURNING "ResourceId", "RequestHash", "StatusCode", "ResponseBody"
        """;

    // A separate statement (a snapshot of its own): it sees a duplicate that a concurrent request committed while the claim waited on it.
    private const string ReadSql = """
        SELECT "ResourceId", "RequestHash", "StatusCode", "ResponseBody" FROM idempotency_keys
        WHERE "UserId" = $1 AND "Scope" = $2 AND "Key" = $3
        """;

    /// <remarks>
    /// Every request with a key runs this, so it is a plain Npgsql command on the context's connection (prepared once per
    /// connection), not an EF Core raw-SQL query, which regenerated its SQL and buffered its columns' metadata on every call
    /// (about a tenth of bookings-api's allocations in a rush, measured with dotnet-trace).
    /// </remarks>
    public Task<IdempotencyClaim> ClaimAsync(Guid userId, string scope, string key, string requestHash, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var resourceId = Guid.CreateVersion7();
        return db.OnConnectionAsync(async (connection, ct) =>
            await InsertAsync(connection, userId, scope, key, requestHash, resourceId, now, now + lifetime, ct)
            ?? await ReadStoredAsync(connection, userId, scope, key, requestHash, ct)
            ?? throw new InvalidOperationException($"Idempotency key {scope}/{key} was neither claimed nor found."), cancellationToken);
    }

    /// <summary>Reserves the key (<see cref="ClaimSql"/>); null when a live duplicate holds it.</summary>
    private static async Task<IdempotencyClaim?> InsertAsync(NpgsqlConnection connection, Guid userId, string scope, string key,
        string requestHash, Guid resourceId, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var command = KeyCommand(ClaimSql, connection, userId, scope, key);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requestHash });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = resourceId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = createdAt });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt });
        return await ReadClaimAsync(command, requestHash, isNew: true, cancellationToken);
    }

    /// <summary>What is stored under the key (<see cref="ReadSql"/>); null when nothing is.</summary>
    private static async Task<IdempotencyClaim?> ReadStoredAsync(NpgsqlConnection connection, Guid userId, string scope, string key,
        string requestHash, CancellationToken cancellationToken)
    {
        await using var command = KeyCommand(ReadSql, connection, userId, scope, key);
        return await ReadClaimAsync(command, requestHash, isNew: false, cancellationToken);
    }

    /// <summary>A command whose first three parameters are the key's identity (user, scope, key).</summary>
    private static NpgsqlCommand KeyCommand(string sql, NpgsqlConnection connection, Guid userId, string scope, string key)
    {
        var command = new NpgsqlCommand(sql, connection);
        AddKey(command.Parameters, userId, scope, key);
        return command;
    }

    private static void AddKey(NpgsqlParameterCollection parameters, Guid userId, string scope, string key)
    {
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = scope });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
    }

    private static async Task<IdempotencyClaim?> ReadClaimAsync(NpgsqlCommand command, string requestHash, bool isNew, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new IdempotencyClaim(reader.GetGuid(0), HashMismatch: reader.GetString(1) != requestHash,
            StatusCode: reader.IsDBNull(2) ? null : reader.GetInt32(2), ResponseBody: reader.IsDBNull(3) ? null : reader.GetString(3), IsNew: isNew);
    }

    // A stored success is never overwritten by a refusal.
    private const string AnswerSql = """
        UPDATE idempotency_keys SET "StatusCode" = $4, "ResponseBody" = $5
        WHERE "UserId" = $1 AND "Scope" = $2 AND "Key" = $3 AND ($4 < 400 OR "StatusCode" IS NULL)
        """;

    /// <summary>Remembers the final answer so later duplicates replay it.</summary>
    public Task CompleteAsync(Guid userId, string scope, string key, int statusCode, string responseBody, CancellationToken cancellationToken) =>
        db.ExecuteAsync(AnswerCommand(userId, scope, key, statusCode, responseBody), cancellationToken);

    /// <summary>The statement that stores an answer (<see cref="CompleteAsync"/>'s), for a transaction that commits it with the work it reports.</summary>
    public static NpgsqlBatchCommand AnswerCommand(Guid userId, string scope, string key, int statusCode, string responseBody)
    {
        var command = new NpgsqlBatchCommand(AnswerSql);
        AddKey(command.Parameters, userId, scope, key);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = statusCode });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = responseBody });
        return command;
    }

    /// <summary>Forgets idempotency keys older than their lifetime.</summary>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.IdempotencyRecords.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }
}
