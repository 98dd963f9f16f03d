using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBooking.ServiceDefaults;

/// <summary>How API tokens are checked and limited in a service that accepts them (<c>ApiTokens</c> in configuration).</summary>
public sealed class ApiTokenOptions
{
    public const string Section = "ApiTokens";

    /// <summary>
    /// How long a replica trusts users-api's answer about a secret. It bounds how late a revocation, an expiry, a disabled owner
    /// or a role taken away takes effect in this service (the contract says within 1 s), and costs at most one introspection
    /// per token, replica and period.
    /// </summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests per minute one token may make, counted for every replica together (429 beyond, with Retry-After).</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

/// <summary>The refusals of API-token requests, as every service answers them.</summary>
public static class ApiTokenErrors
{
    public static readonly Error Invalid = new("api-token-invalid", ErrorKind.Unauthenticated,
        "The API token is unknown, revoked or expired, or its owner's account is disabled.");

    public static readonly Error NotAccepted = new("api-token-not-accepted", ErrorKind.Unauthenticated,
        "This operation does not accept API tokens; a person must sign in for it.");

    public static readonly Error Unavailable = Error.Unavailable("api-token-unavailable",
        "The API token cannot be checked right now; retry shortly. Nothing was done.");

    public static Error InsufficientScope(string scope) => new("insufficient-scope", ErrorKind.Forbidden,
        $"This operation needs an API token with the '{scope}' scope.");

    public static readonly Error OtherEvent = new("api-token-other-event", ErrorKind.Forbidden,
        "This API token is limited to another event.");

    public static readonly Error RateLimited = new("api-token-rate-limited", ErrorKind.TooMany,
        "This API token made too many requests; retry after the time in Retry-After.");
}

public static class ApiTokenAuthentication
{
    /// <summary>The scheme that checks <c>Authorization: Bearer ebk_…</c>.</summary>
    public const string Scheme = "ApiToken";

    /// <summary>The default scheme of a service that accepts API tokens: API tokens to <see cref="Scheme"/>, the rest to JwtBearer.</summary>
    public const string SelectorScheme = "JwtOrApiToken";

    /// <summary>
    /// Accepts organizers' API tokens (users-api issues them) on the operations marked with
    /// <see cref="ApiTokenEndpoints.AllowApiToken{TBuilder}"/>, beside users-api's access tokens. Call after
    /// <see cref="AuthenticationExtensions.AddDefaultAuthentication"/> and <see cref="ServiceIdentityExtensions.AddServiceIdentity"/>:
    /// the secret is checked by users-api's internal introspection, with the service's own identity, and the answer is kept for
    /// <see cref="ApiTokenOptions.CacheFor"/>. users-api itself does not call this: account management never takes API tokens.
    /// </summary>
    public static IHostApplicationBuilder AddApiTokenAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiTokenOptions>().BindConfiguration(ApiTokenOptions.Section)
            .Validate(o => o.CacheFor > TimeSpan.Zero && o.CacheFor <= TimeSpan.FromSeconds(1), "ApiTokens:CacheFor must be more than 0 and at most 1 second.")
            .Validate(o => o.RequestsPerMinute > 0, "ApiTokens:RequestsPerMinute must be positive.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(ApiTokenValidator.HttpClientName, http => http.BaseAddress = new Uri("https+http://users-api")).WithServiceIdentity();
        builder.Services.AddSingleton<ApiTokenValidator>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(SharedRateLimitCounters)))
        {
            builder.AddSharedRateLimits();
        }

        builder.Services.AddSingleton<ApiTokenLimits>();
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = SelectorScheme;
                options.DefaultChallengeScheme = SelectorScheme;
            })
            .AddPolicyScheme(SelectorScheme, null, options => options.ForwardDefaultSelector = context =>
                TryReadSecret(context.Request, out _) ? Scheme : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(Scheme, null);
        return builder;
    }

    /// <summary>The API token in <c>Authorization: Bearer ebk_…</c>, if the request carries one.</summary>
    public static bool TryReadSecret(HttpRequest request, out string secret)
    {
        secret = "";
        var header = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) && ApiTokenFormat.LooksLikeToken(header[bearer.Length..].Trim()))
        {
            secret = header[bearer.Length..].Trim();
            return true;
        }

        return false;
    }

    /// <summary>Counts API-token requests per token (every replica together); runs after authorization, does nothing for other requests.</summary>
    public static IApplicationBuilder UseApiTokenLimits(this IApplicationBuilder app) =>
        app.ApplicationServices.GetService<ApiTokenLimits>() is { } limits
            ? app.Use(async (context, next) =>
            {
                if (context.User.TokenId() is { } tokenId && await limits.AcquireAsync(tokenId, context.RequestAborted) is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await Problems.For(ApiTokenErrors.RateLimited).ExecuteAsync(context);
                    return;
                }

                await next(context);
            })
            : app;
}

/// <summary>
/// Asks users-api what a secret stands for, and remembers the answer for <see cref="ApiTokenOptions.CacheFor"/> (one lookup in
/// flight per secret; a failed lookup is not remembered). Only the secret's hash is kept in memory.
/// </summary>
public sealed class ApiTokenValidator(IHttpClientFactory httpClients, TimeProvider time, IOptions<ApiTokenOptions> options)
{
    public const string HttpClientName = "users-api-api-tokens";
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<ApiTokenIntrospection> IntrospectAsync(string secret, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(ApiTokenFormat.Hash(secret));
        var entry = _entries.AddOrUpdate(key, _ => NewEntry(secret), (_, old) => IsUsable(old) ? old : NewEntry(secret));
        if (_entries.Count > MaxEntries)
        {
            Purge();
        }

        return await entry.Lookup.Value.WaitAsync(cancellationToken);
    }

    private Entry NewEntry(string secret) =>
        new(new Lazy<Task<ApiTokenIntrospection>>(() => LookupAsync(secret)), time.GetTimestamp());

    private bool IsUsable(Entry entry)
    {
        if (!entry.Lookup.IsValueCreated)
        {
            return true;
        }

        var task = entry.Lookup.Value;
        return !task.IsFaulted && !task.IsCanceled && (!task.IsCompleted || time.GetElapsedTime(entry.CreatedAt) < options.Value.CacheFor);
    }

    private void Purge()
    {
        foreach (var (key, entry) in _entries)
        {
            if (!IsUsable(entry))
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    private async Task<ApiTokenIntrospection> LookupAsync(string secret)
    {
        using var http = httpClients.CreateClient(HttpClientName);
        using var response = await http.PostAsJsonAsync(new Uri("/internal/api-tokens/introspect", UriKind.Relative), new { token = secret });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ApiTokenIntrospection>() ?? ApiTokenIntrospection.Inactive;
    }

    private sealed record Entry(Lazy<Task<ApiTokenIntrospection>> Lookup, long CreatedAt);
}

/// <summary>Authenticates <c>Authorization: Bearer ebk_…</c> on the operations that accept API tokens; refuses it everywhere else.</summary>
internal sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, ApiTokenValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!ApiTokenAuthentication.TryReadSecret(Request, out var secret))
        {
            return AuthenticateResult.NoResult();
        }

        if (Context.GetEndpoint()?.Metadata.GetMetadata<ApiTokenAccess>() is not { } access)
        {
            return AuthenticateResult.Fail(new ApiTokenRefusal(ApiTokenErrors.NotAccepted));
        }

        ApiTokenIntrospection found;
        try
        {
            found = await validator.IntrospectAsync(secret, Context.RequestAborted);
        }
        catch (Exception ex) when (!Context.RequestAborted.IsCancellationRequested)
        {
            // users-api out of reach, timed out or answering an error (the resilience pipeline has already retried): fail closed.
            LogIntrospectionFailed(Logger, ex);
            return AuthenticateResult.Fail(new ApiTokenRefusal(ApiTokenErrors.Unavailable));
        }

        if (!found.Active || found.UserId is null || found.TokenId is null)
        {
            return AuthenticateResult.Fail(new ApiTokenRefusal(ApiTokenErrors.Invalid));
        }

        // Checked here, not only by the policies: an operation open to everyone that accepts API tokens (an event's page, which
        // shows drafts to their organizer) runs no policy, and must not see the owner behind a token of another scope or event.
        if (!(found.Scopes ?? []).Contains(access.Scope, StringComparer.Ordinal))
        {
            return AuthenticateResult.Fail(new ApiTokenRefusal(ApiTokenErrors.InsufficientScope(access.Scope)));
        }

        if (found.EventId is { } limitedTo && !ApiTokenScopeHandler.NamesEvent(Context, access, limitedTo))
        {
            return AuthenticateResult.Fail(new ApiTokenRefusal(ApiTokenErrors.OtherEvent));
        }

        var claims = new List<Claim>
        {
            new(IdentityClaims.Subject, found.UserId.Value.ToString()),
            new(ApiTokenFormat.TokenIdClaim, found.TokenId.Value.ToString()),
            new(IdentityClaims.Scope, string.Join(' ', found.Scopes ?? [])),
        };
        if (found.Name is not null)
        {
            claims.Add(new Claim(IdentityClaims.Name, found.Name));
        }

        if (found.Email is not null)
        {
            claims.Add(new Claim(IdentityClaims.Email, found.Email));
        }

        claims.AddRange((found.Roles ?? []).Select(role => new Claim(IdentityClaims.Role, role)));
        if (found.EventId is { } eventId)
        {
            claims.Add(new Claim(ApiTokenFormat.EventIdClaim, eventId.ToString()));
        }

        var identity = new ClaimsIdentity(claims, Scheme.Name, IdentityClaims.Name, IdentityClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is not ApiTokenRefusal refusal)
        {
            await base.HandleChallengeAsync(properties);
            return;
        }

        if (refusal.Error.Kind == ErrorKind.Unavailable)
        {
            Response.Headers.RetryAfter = "1";
        }
        else if (refusal.Error.Kind == ErrorKind.Unauthenticated)
        {
            Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{refusal.Error.Detail}\"";
        }

        await Problems.For(refusal.Error).ExecuteAsync(Context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An API token could not be checked with users-api")]
    private static partial void LogIntrospectionFailed(ILogger logger, Exception exception);

    /// <summary>Why an API token was refused (one instance per request, never thrown).</summary>
    private sealed class ApiTokenRefusal(Error error) : Exception(error.Detail)
    {
        public Error Error { get; } = error;
    }
}

/// <summary>
/// Part of every shared policy: a request made with an API token passes only on an operation that accepts API tokens, with
/// that operation's scope, and, for a token limited to one event, on that event.
/// </summary>
public sealed class ApiTokenScopeRequirement : IAuthorizationRequirement
{
    public static readonly ApiTokenScopeRequirement Instance = new();
}

internal sealed class ApiTokenScopeHandler : AuthorizationHandler<ApiTokenScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiTokenScopeRequirement requirement)
    {
        if (context.User.TokenId() is null)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var http = context.Resource as HttpContext;
        var access = http?.GetEndpoint()?.Metadata.GetMetadata<ApiTokenAccess>();
        var refusal = access is null ? ApiTokenErrors.NotAccepted
            : !context.User.HasScope(access.Scope) ? ApiTokenErrors.InsufficientScope(access.Scope)
            : !IsForItsEvent(context.User, http!, access) ? ApiTokenErrors.OtherEvent
            : null;
        if (refusal is null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new ApiTokenFailureReason(this, refusal));
        }

        return Task.CompletedTask;
    }

    private static bool IsForItsEvent(ClaimsPrincipal user, HttpContext http, ApiTokenAccess access) =>
        user.FindFirstValue(ApiTokenFormat.EventIdClaim) is not { } limitedTo
        || (Guid.TryParse(limitedTo, out var tokenEvent) && NamesEvent(http, access, tokenEvent));

    /// <summary>Whether the request's event (the route value the operation names) is <paramref name="eventId"/>.</summary>
    internal static bool NamesEvent(HttpContext http, ApiTokenAccess access, Guid eventId) =>
        access.EventRouteValue is not null
        && http.GetRouteValue(access.EventRouteValue) is { } value
        && Guid.TryParse(value.ToString(), out var requested)
        && requested == eventId;
}

/// <summary>An API token's refusal by <see cref="ApiTokenScopeHandler"/>, answered as its problem.</summary>
public sealed class ApiTokenFailureReason(IAuthorizationHandler handler, Error error) : AuthorizationFailureReason(handler, error.Detail)
{
    public Error Error { get; } = error;
}

/// <summary>Answers an API token's scope refusal as a problem with its code; everything else as the framework does.</summary>
internal sealed class ApiTokenAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var reason = authorizeResult.AuthorizationFailure?.FailureReasons.OfType<ApiTokenFailureReason>().FirstOrDefault();
        if (reason is not null && context.User.TokenId() is not null)
        {
            return Problems.For(reason.Error).ExecuteAsync(context);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Requests per minute per API token, counted for every replica together.</summary>
internal sealed class ApiTokenLimits(SharedRateLimitCounters counters, IOptions<ApiTokenOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter = PartitionedRateLimiter.Create<Guid, Guid>(tokenId =>
        RateLimitPartition.Get(tokenId, id => new SharedFixedWindowRateLimiter(counters, $"api-token:{id}",
            new RateLimitWindow(options.Value.RequestsPerMinute, TimeSpan.FromMinutes(1)))));

    /// <summary>Null when the request may go on; else how long to wait.</summary>
    public async Task<TimeSpan?> AcquireAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(tokenId, 1, cancellationToken);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
