using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Users.Api.Infrastructure;

/// <summary>
/// Makes the access tokens of ended sessions stop working at once, everywhere: in this process's <see cref="RevokedSessions"/>
/// view immediately, and through Redis (<see cref="RevocationChannel"/>) in every service within
/// <see cref="RevokedSessions.StalenessBound"/>. A revocation is kept as long as a token issued before it could still validate
/// (access-token lifetime + the validators' clock skew); nothing about it goes to usersdb (the refresh tokens there are revoked
/// by <see cref="SessionService"/>). When Redis cannot record it the call throws, and the request is answered 503: a sign-out
/// is never reported done before every service can know it (a retry records it again).
/// </summary>
public sealed class AccessTokenRevocation(RevokedSessions view, TimeProvider time, IOptions<TokenIssuingOptions> options, IConnectionMultiplexer? redis = null)
{
    /// <summary>How long a revocation must be remembered: the longest a token issued just before it can still pass validation.</summary>
    public TimeSpan Retention => options.Value.AccessTokenLifetime + AuthenticationExtensions.ClockSkew;

    public async Task RevokeAsync(IReadOnlyCollection<Guid> sessionIds, CancellationToken cancellationToken)
    {
        if (sessionIds.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var until = now + Retention;
        foreach (var sessionId in sessionIds)
        {
            view.Revoke(sessionId, until.ToUnixTimeMilliseconds());
        }

        if (redis is not null)
        {
            await RevocationChannel.RecordAsync(redis.GetDatabase(), sessionIds, until, now).WaitAsync(cancellationToken);
        }
    }
}
