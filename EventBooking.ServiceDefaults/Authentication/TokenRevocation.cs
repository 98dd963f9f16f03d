using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace EventBooking.ServiceDefaults;

/// <summary>The refusals of the revocation check, as every service answers them.</summary>
public static class RevocationErrors
{
    /// <summary>The token's session was ended: sign in again (or refresh, if the session's refresh token still works).</summary>
    public static readonly Error SessionRevoked = new("session-revoked", ErrorKind.Unauthenticated,
        "This session has ended (signed out, or the password or roles changed). Sign in again.");

    /// <summary>
    /// The service cannot currently tell whether the session was ended (its view of the revocations is out of date).
    /// A 503, not a 401: the token is probably good, and a 401 would make clients throw their session away during a
    /// Redis outage; a 503 with <c>Retry-After</c> says "the same request will work shortly".
    /// </summary>
    public static readonly Error RevocationUnavailable = Error.Unavailable("revocation-unavailable",
        "Sign-in state cannot be checked right now; retry shortly. Nothing was done.");
}

public static partial class AuthenticationExtensions
{
    private const string RetryAfterSeconds = "1";

    /// <summary>
    /// Refuses end-user tokens whose session was revoked, checked in JwtBearer's <c>OnTokenValidated</c> against this process's
    /// <see cref="RevokedSessions"/> view (no network call per request). With Redis (<c>ConnectionStrings:cache</c>, always
    /// under the AppHost) <see cref="RevocationMonitor"/> keeps the view within <see cref="RevokedSessions.StalenessBound"/> of
    /// every revocation; when it cannot (Redis out of reach, or this process too busy to see its heartbeat in time), each
    /// end-user token's session is read from Redis, and only if Redis does not answer does the token get a 503
    /// <c>revocation-unavailable</c> (fail closed). Service identities keep working (they have no session). Without Redis the
    /// view holds only this process's own revocations.
    /// </summary>
    private static void AddTokenRevocation(this IHostApplicationBuilder builder)
    {
        var localOnly = !builder.HasRedis();
        if (!localOnly)
        {
            builder.AddRedisClientWithServiceDefaults();
            builder.Services.AddHostedService<RevocationMonitor>();
            builder.Services.AddSingleton<RevocationLookup>();
        }

        builder.Services.AddSingleton(sp => new RevokedSessions(sp.GetRequiredService<TimeProvider>()) { LocalOnly = localOnly });
        builder.Services.AddHealthChecks().AddCheck<RevocationHealthCheck>("revocations");
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<RevokedSessions, IServiceProvider>((options, view, services) =>
            {
                options.Events ??= new JwtBearerEvents();
                var validated = options.Events.OnTokenValidated;
                var lookup = services.GetService<RevocationLookup>();
                options.Events.OnTokenValidated = context =>
                {
                    // JwtBearer validates with JsonWebTokenHandler: anything else is not a token this system issued.
                    var token = context.SecurityToken as JsonWebToken;
                    var verdict = token is null ? SessionVerdict.NoSession : view.Check(token);
                    if (verdict == SessionVerdict.Unknown && lookup is not null && RevokedSessions.TryGetSessionId(token!, out var sessionId))
                    {
                        return CheckInRedisAsync(context, lookup, sessionId, validated);
                    }

                    Apply(context, verdict);
                    return context.Result is null ? validated(context) : Task.CompletedTask;
                };
                var challenge = options.Events.OnChallenge;
                options.Events.OnChallenge = context => context.AuthenticateFailure is SessionRefusedException refused
                    ? WriteRefusalAsync(context, refused)
                    : challenge(context);
            });
    }

    /// <summary>
    /// The slow path, taken only while the view is stale: the session's entry read from Redis decides (see
    /// <see cref="RevocationLookup"/>).
    /// </summary>
    private static async Task CheckInRedisAsync(TokenValidatedContext context, RevocationLookup lookup, Guid sessionId,
        Func<TokenValidatedContext, Task> validated)
    {
        Apply(context, await lookup.CheckAsync(sessionId, context.HttpContext.RequestAborted));
        if (context.Result is null)
        {
            await validated(context);
        }
    }

    /// <summary>Lets the token through or refuses it for <paramref name="verdict"/> (the per-request check: no allocation unless refused).</summary>
    private static void Apply(TokenValidatedContext context, SessionVerdict verdict)
    {
        switch (verdict)
        {
            case SessionVerdict.Valid or SessionVerdict.ServiceIdentity:
                return;
            case SessionVerdict.Unknown:
                context.Fail(SessionRefusedException.Unknown);
                return;
            default:
                context.Fail(SessionRefusedException.Revoked);
                return;
        }
    }

    private static Task WriteRefusalAsync(JwtBearerChallengeContext context, SessionRefusedException refused)
    {
        context.HandleResponse();
        if (refused.Error.Kind == ErrorKind.Unavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }
        else
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The session has ended\"";
        }

        return Problems.For(refused.Error).ExecuteAsync(context.HttpContext);
    }

    /// <summary>Why JwtBearer refused a token whose signature and lifetime were fine (one instance per reason, never thrown).</summary>
    private sealed class SessionRefusedException(Error error) : Exception(error.Detail)
    {
        public static readonly SessionRefusedException Revoked = new(RevocationErrors.SessionRevoked);
        public static readonly SessionRefusedException Unknown = new(RevocationErrors.RevocationUnavailable);

        public Error Error { get; } = error;
    }
}
