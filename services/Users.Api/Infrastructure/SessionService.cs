using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Users.Api.Model;

namespace Users.Api.Infrastructure;

/// <summary>What a client gets when a session starts or is refreshed.</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    DateTimeOffset ExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    Guid UserId);

public enum RefreshOutcome
{
    Refreshed,
    Invalid,
    Reused,
}

/// <summary>
/// Sessions: a refresh-token family per sign-in, rotated on every use, revoked whole on reuse. Every method that revokes a
/// session also revokes its access tokens (<see cref="AccessTokenRevocation"/>), so a caller gets both from one call.
/// </summary>
public sealed partial class SessionService(UsersDbContext db, TokenIssuer tokens, AccessTokenRevocation revocation, TimeProvider time,
    IOptions<TokenIssuingOptions> options, ILogger<SessionService> logger)
{
    public async Task<TokenResponse> StartAsync(User user, CancellationToken cancellationToken)
    {
        var familyId = Guid.CreateVersion7();
        var (refresh, value) = RefreshToken.Issue(user.Id, familyId, time.GetUtcNow(), options.Value.RefreshTokenLifetime);
        db.RefreshTokens.Add(refresh);
        await db.SaveChangesAsync(cancellationToken);
        return await RespondAsync(user, refresh, value, cancellationToken);
    }

    public async Task<(RefreshOutcome Outcome, TokenResponse? Response)> RefreshAsync(string value, CancellationToken cancellationToken)
    {
        var hash = RefreshToken.Hash(value);
        var token = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = time.GetUtcNow();
        if (token is null)
        {
            return (RefreshOutcome.Invalid, null);
        }

        if (token.UsedAt is not null)
        {
            // Already rotated: someone holds a copy. End the session for both holders.
            await RevokeFamilyAsync(token.UserId, token.FamilyId, cancellationToken);
            LogReuse(logger, token.UserId, token.FamilyId);
            return (RefreshOutcome.Reused, null);
        }

        if (token.RevokedAt is not null || token.IsExpired(now))
        {
            return (RefreshOutcome.Invalid, null);
        }

        // The claim and the successor under the account's lock, so a revocation of the account's sessions comes wholly before
        // (the claim finds the token revoked) or wholly after (it revokes the successor too): never a successor it missed.
        var (outcome, user, next, nextValue) = await UnderAccountLockAsync(token.UserId, async ct =>
        {
            // Claim the token atomically: of two concurrent uses, exactly one wins; the other is a reuse.
            var claimed = await db.RefreshTokens
                .Where(t => t.Id == token.Id && t.UsedAt == null && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
            if (claimed == 0)
            {
                return (RefreshOutcome.Reused, null, null, null);
            }

            var owner = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == token.UserId, ct);
            if (owner is null || owner.IsDisabled)
            {
                return (RefreshOutcome.Invalid, null, null, null);
            }

            var (successor, successorValue) = RefreshToken.Issue(owner.Id, token.FamilyId, now, options.Value.RefreshTokenLifetime);
            db.RefreshTokens.Add(successor);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            finally
            {
                // A retried attempt issues its own successor; this one must not be inserted with it.
                db.Entry(successor).State = EntityState.Detached;
            }

            return (RefreshOutcome.Refreshed, (User?)owner, (RefreshToken?)successor, (string?)successorValue);
        }, cancellationToken);

        if (outcome == RefreshOutcome.Reused)
        {
            await RevokeFamilyAsync(token.UserId, token.FamilyId, cancellationToken);
            LogReuse(logger, token.UserId, token.FamilyId);
            return (RefreshOutcome.Reused, null);
        }

        return outcome == RefreshOutcome.Refreshed
            ? (RefreshOutcome.Refreshed, await RespondAsync(user!, next!, nextValue!, cancellationToken))
            : (outcome, null);
    }

    /// <summary>
    /// Ends the session a refresh token belongs to (its refresh and access tokens); false when the token is unknown. Ending an
    /// ended session again records its access-token revocation again, so a sign-out answered 503 can simply be retried.
    /// </summary>
    public async Task<bool> EndAsync(string value, CancellationToken cancellationToken)
    {
        var hash = RefreshToken.Hash(value);
        var session = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => new { t.UserId, t.FamilyId }).SingleOrDefaultAsync(cancellationToken);
        if (session is null)
        {
            return false;
        }

        await RevokeFamilyAsync(session.UserId, session.FamilyId, cancellationToken);
        return true;
    }

    /// <summary>
    /// Revokes every session of a user (refresh tokens, and the access tokens they issued), except
    /// <paramref name="keepFamilyId"/> when given; returns how many refresh tokens were revoked.
    /// </summary>
    public async Task<int> RevokeAllAsync(Guid userId, Guid? keepFamilyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var revoked = await UnderAccountLockAsync(userId, ct => db.RefreshTokens
            .Where(t => t.UserId == userId && t.RevokedAt == null && (keepFamilyId == null || t.FamilyId != keepFamilyId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct), cancellationToken);

        // An access token is issued together with a refresh token of its session, so the sessions that may still have a
        // valid access token are those with a refresh token issued within the retention (revoked before or not).
        var since = now - revocation.Retention;
        var sessions = await db.RefreshTokens
            .Where(t => t.UserId == userId && t.CreatedAt >= since && (keepFamilyId == null || t.FamilyId != keepFamilyId))
            .Select(t => t.FamilyId)
            .Distinct()
            .ToListAsync(cancellationToken);
        await revocation.RevokeAsync(sessions, cancellationToken);
        return revoked;
    }

    private async Task RevokeFamilyAsync(Guid userId, Guid familyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await UnderAccountLockAsync(userId, ct => db.RefreshTokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct), cancellationToken);
        await revocation.RevokeAsync([familyId], cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> holding the account's row lock (<c>SELECT … FOR UPDATE</c>), in a transaction of its own
    /// (retried whole by the execution strategy) or in the caller's. A refresh and a
    /// revocation of the same account take turns; different accounts never wait for each other.
    /// </summary>
    private async Task<T> UnderAccountLockAsync<T>(Guid userId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await LockAccountAsync(userId, cancellationToken);
            return await work(cancellationToken);
        }

        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await LockAccountAsync(userId, ct);
            var result = await work(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);
    }

    private Task LockAccountAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""SELECT 1 FROM users WHERE "Id" = {userId} FOR UPDATE""", cancellationToken);

    private async Task<TokenResponse> RespondAsync(User user, RefreshToken refresh, string value, CancellationToken cancellationToken)
    {
        var access = await tokens.CreateUserTokenAsync(user, refresh.FamilyId, cancellationToken);
        return new TokenResponse(access.Value, "Bearer", (int)access.Lifetime.TotalSeconds, access.ExpiresAt, value, refresh.ExpiresAt, user.Id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh-token reuse for user {UserId}: session {FamilyId} revoked")]
    private static partial void LogReuse(ILogger logger, Guid userId, Guid familyId);
}
