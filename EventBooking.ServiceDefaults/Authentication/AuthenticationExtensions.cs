using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace EventBooking.ServiceDefaults;

/// <summary>The authorization policies every EventBooking service shares.</summary>
public static class Policies
{
    /// <summary>Any signed-in person (attendee, organizer or admin); never a service identity.</summary>
    public const string User = "user";
    public const string Organizer = "organizer";
    public const string Admin = "admin";
    /// <summary>Service identities only (OAuth2 client credentials with the internal scope); refuses end-user tokens.</summary>
    public const string Internal = "internal";
    /// <summary>An admin, or a service identity.</summary>
    public const string AdminOrInternal = "admin-or-internal";
}

/// <summary>The token contract between users-api (the issuer) and every other service.</summary>
public static class IdentityClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";
    public const string Email = "email";
    /// <summary>
    /// The user's preferred language (OpenID Connect's standard <c>locale</c> claim, a BCP 47 tag such as <c>de</c>), absent when
    /// the profile names none. It is read when the token is issued: a changed preference reaches the next token, so within one
    /// access-token lifetime (≤ 15 minutes).
    /// </summary>
    public const string Locale = "locale";
    public const string Scope = "scope";
    public const string ClientId = "client_id";
    /// <summary>The session (refresh-token family) an end-user token belongs to: what revocation is keyed on.</summary>
    public const string SessionId = "sid";

    public const string AttendeeRole = "attendee";
    public const string OrganizerRole = "organizer";
    public const string AdminRole = "admin";

    /// <summary>Scope carried only by service (client-credentials) tokens.</summary>
    public const string InternalScope = "eventbooking.internal";
    /// <summary>Audience of every access token.</summary>
    public const string Audience = "eventbooking-api";
    /// <summary>Issuer used when <c>Identity:Issuer</c> is not configured (users-api must agree).</summary>
    public const string DefaultIssuer = "urn:eventbooking:users-api";

    public static Guid? UserId(this ClaimsPrincipal principal) =>
        principal.IsServiceIdentity() ? null
        : Guid.TryParse(principal.FindFirstValue(Subject), out var id) ? id : null;

    public static bool IsServiceIdentity(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClientId) is not null && HasScope(principal, InternalScope);

    public static bool IsAdmin(this ClaimsPrincipal principal) => !principal.IsServiceIdentity() && principal.HasClaim(Role, AdminRole);

    public static bool HasScope(this ClaimsPrincipal principal, string scope) =>
        principal.FindAll(Scope).Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}

public static partial class AuthenticationExtensions
{
    /// <summary>How far a validator trusts the issuer's clock: a token is accepted until this long after its <c>exp</c>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Validates users-api's access tokens (ES/RS/PS-signed JWTs, keys from its OpenID discovery document and JWKS,
    /// found through service discovery) and registers the shared <see cref="Policies"/>. One line per service.
    /// The authority is <c>Identity:Authority</c>, else the users-api address injected by either host.
    /// Tokens are refused when expired (30 s clock skew), not yet valid, unsigned (<c>alg: none</c>), signed with an
    /// algorithm other than ES256/RS256/PS256, signed by a key missing from the JWKS, or issued for another
    /// issuer or audience. An unknown key id makes the handler fetch the JWKS again (at most every
    /// <c>Identity:MetadataRefreshInterval</c>, default 30 s); the JWKS is also re-read every 10 minutes, so a key
    /// users-api retires stops validating within that time.
    /// An end-user token whose session was revoked (sign-out, password or role change) is refused too, within
    /// <see cref="RevokedSessions.StalenessBound"/> of the revocation (<see cref="AddTokenRevocation"/>).
    /// </summary>
    public static IHostApplicationBuilder AddDefaultAuthentication(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var authority = configuration["Identity:Authority"]
            ?? configuration["services:users-api:https:0"]
            ?? configuration["services:users-api:http:0"];
        var issuer = configuration["Identity:Issuer"] ?? IdentityClaims.DefaultIssuer;
        var refreshInterval = configuration.GetValue("Identity:MetadataRefreshInterval", TimeSpan.FromSeconds(30));

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                if (authority is not null)
                {
                    options.Authority = authority;
                    options.RequireHttpsMetadata = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                }

                options.MapInboundClaims = false;
                options.Audience = IdentityClaims.Audience;
                // Fetch the signing keys again soon after an unknown kid shows up (key rotation).
                options.RefreshOnIssuerKeyNotFound = true;
                options.RefreshInterval = refreshInterval;
                options.AutomaticRefreshInterval = TimeSpan.FromMinutes(10);
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidIssuer = issuer,
                    ValidateAudience = true,
                    ValidAudience = IdentityClaims.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ValidateWithLKG = false,
                    NameClaimType = IdentityClaims.Name,
                    RoleClaimType = IdentityClaims.Role,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256],
                    ClockSkew = ClockSkew,
                };
            });

        // The handler otherwise keeps validating against earlier copies of the JWKS ("last known good", for an hour):
        // a retired signing key must stop working as soon as the validator has re-read the JWKS.
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            if (options.ConfigurationManager is BaseConfigurationManager manager)
            {
                manager.UseLastKnownGoodConfiguration = false;
            }
        });

        builder.AddTokenRevocation();

        // Fail at startup, not at the first request, when no authority is known (users-api supplies its keys itself).
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Validate(options => options.Authority is not null || options.ConfigurationManager is not null || options.Configuration is not null,
                "The token authority is missing. Set 'Identity:Authority' or reference users-api ('services:users-api:http:0').")
            .ValidateOnStart();

        // Every policy, the default one included, also lets a request made with an API token through only where the operation
        // accepts API tokens with the token's scope (ApiTokenAuthentication.cs); for every other caller that requirement is met.
        builder.Services.AddSingleton<IAuthorizationHandler, ApiTokenScopeHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiTokenAuthorizationResultHandler>();
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(ApiTokenScopeRequirement.Instance).Build())
            .AddPolicy(Policies.User, policy => policy.RequireAuthenticatedUser().AddRequirements(ApiTokenScopeRequirement.Instance)
                .RequireAssertion(ctx => ctx.User.UserId() is not null))
            .AddPolicy(Policies.Organizer, policy => policy.RequireAuthenticatedUser().AddRequirements(ApiTokenScopeRequirement.Instance)
                .RequireAssertion(ctx => ctx.User.UserId() is not null
                    && (ctx.User.HasClaim(IdentityClaims.Role, IdentityClaims.OrganizerRole) || ctx.User.HasClaim(IdentityClaims.Role, IdentityClaims.AdminRole))))
            .AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser().AddRequirements(ApiTokenScopeRequirement.Instance)
                .RequireAssertion(ctx => ctx.User.IsAdmin()))
            .AddPolicy(Policies.Internal, policy => policy.RequireAuthenticatedUser().AddRequirements(ApiTokenScopeRequirement.Instance)
                .RequireAssertion(ctx => ctx.User.IsServiceIdentity()))
            .AddPolicy(Policies.AdminOrInternal, policy => policy.RequireAuthenticatedUser().AddRequirements(ApiTokenScopeRequirement.Instance)
                .RequireAssertion(ctx => ctx.User.IsServiceIdentity() || ctx.User.IsAdmin()));

        return builder;
    }
}
