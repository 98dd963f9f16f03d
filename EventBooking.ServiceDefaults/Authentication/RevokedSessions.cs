using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;

namespace EventBooking.ServiceDefaults;

/// <summary>What <see cref="RevokedSessions.Check"/> says about a validated token.</summary>
public enum SessionVerdict
{
    /// <summary>A service identity (client credentials): it has no session, nothing to check.</summary>
    ServiceIdentity,
    /// <summary>The session is not revoked, as of a moment at most <see cref="RevokedSessions.StalenessBound"/> ago.</summary>
    Valid,
    /// <summary>The session was ended (sign-out, password change, role change…): the token is refused (401).</summary>
    Revoked,
    /// <summary>The token names no session, so it could never be revoked: refused (401).</summary>
    NoSession,
    /// <summary>
    /// This process cannot tell from its view, which is older than the bound: the session is then read from Redis
    /// (<see cref="RevocationLookup"/>), and only if Redis does not answer is the token refused with a 503.
    /// </summary>
    Unknown,
}

/// <summary>
/// This process's view of the revoked sessions (refresh-token families, the <c>sid</c> of every end-user access token), so that
/// a token is checked without a network call: a lock-free dictionary read and a clock read per request, no allocation.
/// <see cref="RevocationMonitor"/> keeps it fresh from Redis; users-api also writes its own revocations here the moment it
/// makes them. An entry lives as long as a token of the session could still pass validation (lifetime + clock skew).
/// </summary>
public sealed class RevokedSessions(TimeProvider time)
{
    /// <summary>
    /// The oldest a view may be and still be trusted: a revocation reaches every service within this time (normally within
    /// milliseconds, through pub/sub); beyond it, end-user tokens are checked in Redis one by one until the view is fresh again
    /// (answered 503 if Redis does not answer).
    /// </summary>
    public static readonly TimeSpan StalenessBound = TimeSpan.FromSeconds(1);

    private const long NeverFresh = long.MinValue;
    private readonly ConcurrentDictionary<Guid, long> _revokedUntil = new();
    private long _freshAsOf = NeverFresh;

    /// <summary>
    /// Set when no Redis is configured (a service started on its own, the in-process tests): the view holds only this
    /// process's own revocations and is always current for them. Under the AppHost every service has Redis.
    /// </summary>
    public bool LocalOnly { get; init; }

    /// <summary>
    /// The <see cref="TimeProvider.GetTimestamp"/> value the view is complete as of (every revocation made before it is
    /// applied), or <see langword="null"/> before the first heartbeat came back.
    /// </summary>
    public long? FreshAsOf => Volatile.Read(ref _freshAsOf) is var asOf && asOf != NeverFresh ? asOf : null;

    /// <summary>Whether the view reflects every revocation made up to <see cref="StalenessBound"/> ago.</summary>
    public bool IsFresh
    {
        get
        {
            if (LocalOnly)
            {
                return true;
            }

            var asOf = Volatile.Read(ref _freshAsOf);
            return asOf != NeverFresh && time.GetElapsedTime(asOf) <= StalenessBound;
        }
    }

    /// <summary>
    /// Checks a token JwtBearer has validated (signature, lifetime, issuer, audience). Reads two payload members by dictionary
    /// lookup (no claim enumeration), parses the session id on the stack and reads the dictionary and the clock: lock-free,
    /// nothing allocated.
    /// </summary>
    public SessionVerdict Check(JsonWebToken token)
    {
        // Only users-api's token endpoint puts client_id in a token, and only in client-credentials tokens.
        if (token.TryGetPayloadValue<string>(IdentityClaims.ClientId, out _))
        {
            return SessionVerdict.ServiceIdentity;
        }

        if (!TryGetSessionId(token, out var sessionId))
        {
            return SessionVerdict.NoSession;
        }

        if (_revokedUntil.ContainsKey(sessionId))
        {
            // Known revoked, however old the view: no need to reach Redis to say no.
            return SessionVerdict.Revoked;
        }

        return IsFresh ? SessionVerdict.Valid : SessionVerdict.Unknown;
    }

    /// <summary>The end-user session a token belongs to (its <c>sid</c>), parsed on the stack.</summary>
    public static bool TryGetSessionId(JsonWebToken token, out Guid sessionId)
    {
        sessionId = default;
        return token.TryGetPayloadValue<string>(IdentityClaims.SessionId, out var session) && Guid.TryParse(session, out sessionId);
    }

    /// <summary>Whether <paramref name="sessionId"/> is known revoked (for connections that outlive the request that opened them).</summary>
    public bool IsRevoked(Guid sessionId) => _revokedUntil.ContainsKey(sessionId);

    /// <summary>Records that <paramref name="sessionId"/>'s tokens are refused until <paramref name="until"/> (Unix milliseconds).</summary>
    public void Revoke(Guid sessionId, long until) =>
        _revokedUntil.AddOrUpdate(sessionId, until, (_, existing) => Math.Max(existing, until));

    /// <summary>The view is complete as of <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    public void MarkFresh(long timestamp)
    {
        if (timestamp > Volatile.Read(ref _freshAsOf))
        {
            Volatile.Write(ref _freshAsOf, timestamp);
        }
    }

    /// <summary>Forgets revocations whose tokens have all expired.</summary>
    public void Purge()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (sessionId, until) in _revokedUntil)
        {
            if (until <= now)
            {
                _revokedUntil.TryRemove(KeyValuePair.Create(sessionId, until));
            }
        }
    }

    /// <summary>How many revoked sessions the view holds (for diagnostics and tests).</summary>
    public int Count => _revokedUntil.Count;
}
