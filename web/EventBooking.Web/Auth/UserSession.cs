using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using EventBooking.Web.Clients;
using Microsoft.Extensions.Caching.Distributed;

namespace EventBooking.Web.Auth;

/// <summary>
/// The user's tokens from users-api. They never leave the server: the cookie only names the session. <paramref name="ClientAddress"/>
/// is the browser's address at sign-in, which the session's refreshes forward (rate limits count them per person, not all
/// against the web's address).
/// </summary>
public sealed record UserSession(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt,
    string? ClientAddress = null);

/// <summary>Claims the web app puts in its own (encrypted) cookie.</summary>
public static class SessionClaims
{
    /// <summary>The key of the server-side session holding the tokens.</summary>
    public const string SessionId = "eb_session";

    public static string? SessionIdOf(ClaimsPrincipal user) => user.FindFirst(SessionId)?.Value;

    public static string NewSessionId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Server-side token store keyed by the session id in the cookie (IDistributedCache: Redis under the AppHost, shared by every replica).</summary>
public sealed class SessionStore(IDistributedCache cache, TimeProvider time)
{
    private static string Key(string sessionId) => "eventbooking:session:" + sessionId;

    public async Task<UserSession?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        var bytes = await cache.GetAsync(Key(sessionId), cancellationToken);
        return bytes is null ? null : JsonSerializer.Deserialize<UserSession>(bytes);
    }

    public Task SetAsync(string sessionId, UserSession session, CancellationToken cancellationToken)
    {
        var lifetime = session.RefreshTokenExpiresAt - time.GetUtcNow();
        return cache.SetAsync(Key(sessionId), JsonSerializer.SerializeToUtf8Bytes(session), new DistributedCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = lifetime > TimeSpan.FromMinutes(1) ? lifetime : TimeSpan.FromMinutes(1),
        }, cancellationToken);
    }

    public Task RemoveAsync(string sessionId, CancellationToken cancellationToken) => cache.RemoveAsync(Key(sessionId), cancellationToken);
}

/// <summary>
/// Hands out a fresh access token for a session, refreshing it through users-api shortly before it expires.
/// Refresh tokens rotate and a reused one revokes the whole session, so refreshes of one session are serialized: in this
/// process by one of a fixed set of semaphores (striped by session id: bounded memory however many sessions come and go;
/// two sessions that share a stripe only wait for each other's refresh), across replicas by <see cref="SessionRefreshLock"/>.
/// </summary>
public sealed partial class SessionRefresher(SessionStore store, AccountClient account, SessionRefreshLock refreshLock, TimeProvider time, ILogger<SessionRefresher> logger)
{
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromSeconds(60);
    private const int Stripes = 64;
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<string?> GetAccessTokenAsync(string sessionId, CancellationToken cancellationToken)
    {
        var session = await store.GetAsync(sessionId, cancellationToken);
        if (session is null || !NeedsRefresh(session))
        {
            return session?.AccessToken;
        }

        var gate = _gates[(int)((uint)StringComparer.Ordinal.GetHashCode(sessionId) % Stripes)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var lease = await refreshLock.AcquireAsync(sessionId, cancellationToken);
            // Another caller (here or in another replica) may have refreshed while this one waited.
            session = await store.GetAsync(sessionId, cancellationToken);
            if (session is null || !NeedsRefresh(session) || lease is null)
            {
                return session?.AccessToken;
            }

            var refreshed = await account.RefreshAsync(session.RefreshToken, session.ClientAddress, cancellationToken);
            if (refreshed is null)
            {
                LogRefreshRefused(logger);
                await store.RemoveAsync(sessionId, cancellationToken);
                return null;
            }

            refreshed = refreshed with { ClientAddress = session.ClientAddress };
            await store.SetAsync(sessionId, refreshed, cancellationToken);
            return refreshed.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Makes the next call refresh the session's access token: the account changed in a way its claims carry (the address was
    /// verified), and the current token would say otherwise for up to its lifetime.
    /// </summary>
    public async Task ExpireAccessTokenAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(sessionId, cancellationToken) is { } session)
        {
            await store.SetAsync(sessionId, session with { AccessTokenExpiresAt = DateTimeOffset.MinValue }, cancellationToken);
        }
    }

    private bool NeedsRefresh(UserSession session) => session.AccessTokenExpiresAt - time.GetUtcNow() < RefreshAhead;

    [LoggerMessage(LogLevel.Information, "users-api refused to refresh a session; the user has to sign in again.")]
    private static partial void LogRefreshRefused(ILogger logger);
}

/// <summary>
/// The signed-in user's access token for API calls (scoped: one per circuit or request). Reads the user from the
/// Blazor authentication state, or from the principal an endpoint hands it.
/// </summary>
public sealed partial class UserTokenProvider(AuthenticationStateProviderAccessor authState, SessionRefresher refresher, SessionStore store,
    ILogger<UserTokenProvider> logger)
{
    private ClaimsPrincipal? _user;

    /// <summary>For minimal-API endpoints of the web app (no Blazor authentication state there).</summary>
    public void UseUser(ClaimsPrincipal user) => _user = user;

    public async Task<string?> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        await SessionIdAsync() is { } sessionId ? await refresher.GetAccessTokenAsync(sessionId, cancellationToken) : null;

    /// <summary>
    /// An API refused the session's token (revoked: signed out elsewhere, password or roles changed): the server-side session
    /// goes, so the next request's cookie check signs the person out (<c>ValidateSessionAsync</c>) and sends them to sign in.
    /// </summary>
    public async Task EndSessionAsync(CancellationToken cancellationToken)
    {
        if (await SessionIdAsync() is { } sessionId)
        {
            await store.RemoveAsync(sessionId, cancellationToken);
            LogSessionEnded(logger);
        }
    }

    private async Task<string?> SessionIdAsync()
    {
        var user = _user ?? await authState.GetUserAsync();
        return user is null ? null : SessionClaims.SessionIdOf(user);
    }

    [LoggerMessage(LogLevel.Information, "An API refused the session's access token (the session was ended); the web session ends too.")]
    private static partial void LogSessionEnded(ILogger logger);
}

/// <summary>Reads the current user through Blazor's <see cref="Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider"/>.</summary>
public sealed class AuthenticationStateProviderAccessor(Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider provider, IHttpContextAccessor http)
{
    public async Task<ClaimsPrincipal?> GetUserAsync()
    {
        // Static SSR and endpoints: the request's user. Interactive circuits have no HttpContext: the circuit's state.
        if (http.HttpContext is { } context)
        {
            return context.User;
        }

        var state = await provider.GetAuthenticationStateAsync();
        return state.User;
    }
}

/// <summary>Adds the user's bearer token to calls to the APIs; a 401 for that token ends the web session (see <see cref="UserTokenProvider.EndSessionAsync"/>).</summary>
public sealed class UserTokenHandler(UserTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is not null || await tokens.GetAccessTokenAsync(cancellationToken) is not { } token)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            await tokens.EndSessionAsync(cancellationToken);
        }

        return response;
    }
}
