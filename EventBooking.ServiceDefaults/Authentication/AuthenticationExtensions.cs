using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

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
    public const string Scope = "scope";
    public const string ClientId = "client_id";

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

public static class AuthenticationExtensions
{
    /// <summary>
    /// Validates users-api's access tokens (RS/ES/PS-signed JWTs, keys from its OpenID discovery document and JWKS,
    /// found through service discovery) and registers the shared <see cref="Policies"/>. One line per service.
    /// The authority is <c>Identity:Authority</c>, else the users-api address injected by either host.
    /// </summary>
    public static IHostApplicationBuilder AddDefaultAuthentication(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var authority = configuration["Identity:Authority"]
            ?? configuration["services:users-api:https:0"]
            ?? configuration["services:users-api:http:0"]
            ?? throw new InvalidOperationException(
                "The token authority is missing. Set 'Identity:Authority' or reference users-api ('services:users-api:http:0').");
        var issuer = configuration["Identity:Issuer"] ?? IdentityClaims.DefaultIssuer;

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.Authority = authority;
                options.RequireHttpsMetadata = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                options.MapInboundClaims = false;
                options.Audience = IdentityClaims.Audience;
                // Fetch the signing keys again soon after an unknown kid shows up (key rotation).
                options.RefreshInterval = TimeSpan.FromSeconds(30);
                options.AutomaticRefreshInterval = TimeSpan.FromMinutes(10);
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer,
                    ValidAudience = IdentityClaims.Audience,
                    NameClaimType = IdentityClaims.Name,
                    RoleClaimType = IdentityClaims.Role,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSsaPssSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.User, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(ctx => ctx.User.UserId() is not null))
            .AddPolicy(Policies.Organizer, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(ctx => ctx.User.UserId() is not null
                    && (ctx.User.HasClaim(IdentityClaims.Role, IdentityClaims.OrganizerRole) || ctx.User.HasClaim(IdentityClaims.Role, IdentityClaims.AdminRole))))
            .AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(ctx => ctx.User.IsAdmin()))
            .AddPolicy(Policies.Internal, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(ctx => ctx.User.IsServiceIdentity()))
            .AddPolicy(Policies.AdminOrInternal, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(ctx => ctx.User.IsServiceIdentity() || ctx.User.IsAdmin()));

        return builder;
    }
}
