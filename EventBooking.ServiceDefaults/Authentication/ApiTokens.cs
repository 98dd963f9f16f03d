using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// What an API token (an organizer's credential for an integration: a door scanner, a CRM sync) may do. A token carries one or
/// more scopes; an operation names the one scope it accepts (<see cref="ApiTokenEndpoints.AllowApiToken{TBuilder}"/>), and an
/// operation that names none refuses API tokens altogether (account management, payments, admin work).
/// </summary>
public static class ApiTokenScopes
{
    /// <summary>Read the owner's events, their ticket sales figures and analytics.</summary>
    public const string EventsRead = "events:read";
    /// <summary>Create and change the owner's events.</summary>
    public const string EventsWrite = "events:write";
    /// <summary>Read the bookings and attendees of the owner's events.</summary>
    public const string BookingsRead = "bookings:read";
    /// <summary>Check tickets in at the door (and read the door's counts).</summary>
    public const string CheckIn = "check-in";
    /// <summary>Register and manage webhook endpoints, read their delivery logs, replay deliveries.</summary>
    public const string Webhooks = "webhooks:manage";

    public static readonly IReadOnlyList<string> All = [EventsRead, EventsWrite, BookingsRead, CheckIn, Webhooks];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}

/// <summary>The shape of an API token's secret and the claims a request made with one carries.</summary>
public static class ApiTokenFormat
{
    /// <summary>Every secret starts with this, so a leaked one is recognisable (secret scanners) and told apart from a JWT.</summary>
    public const string Prefix = "ebk_";

    /// <summary>The id of the API token a request was made with; present only on such requests.</summary>
    public const string TokenIdClaim = "token_id";

    /// <summary>The one event a token is limited to (door staff), when it is.</summary>
    public const string EventIdClaim = "event_id";

    /// <summary>The longest secret accepted (the prefix and 43 base64url characters; anything much longer is not ours).</summary>
    public const int MaxLength = 100;

    /// <summary>A new secret: the prefix and 32 random bytes, base64url.</summary>
    public static string NewSecret() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>What is stored and looked up: SHA-256 of the secret (a secret of 256 random bits needs no slow hash).</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool LooksLikeToken(string value) => value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length <= MaxLength;

    public static Guid? TokenId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(TokenIdClaim), out var id) ? id : null;
}

/// <summary>
/// users-api's answer about a secret (<c>POST /internal/api-tokens/introspect</c>, in the spirit of RFC 7662): inactive when the
/// secret is unknown, revoked or expired, or its owner's account is disabled; else who it acts for and what it may do.
/// </summary>
public sealed record ApiTokenIntrospection(
    bool Active,
    Guid? TokenId = null,
    Guid? UserId = null,
    string? Email = null,
    string? Name = null,
    IReadOnlyList<string>? Roles = null,
    IReadOnlyList<string>? Scopes = null,
    Guid? EventId = null,
    DateTimeOffset? ExpiresAt = null)
{
    public static readonly ApiTokenIntrospection Inactive = new(false);
}

/// <summary>An operation that API tokens may call: the scope they need, and the route value that names the event, if any.</summary>
public sealed record ApiTokenAccess(string Scope, string? EventRouteValue);

public static class ApiTokenEndpoints
{
    /// <summary>
    /// Lets API tokens with <paramref name="scope"/> call this operation (every other operation refuses them). A token limited to
    /// one event may call it only when the route value <paramref name="eventRouteValue"/> names that event.
    /// </summary>
    public static TBuilder AllowApiToken<TBuilder>(this TBuilder builder, string scope, string? eventRouteValue = null) where TBuilder : IEndpointConventionBuilder
    {
        if (!ApiTokenScopes.IsKnown(scope))
        {
            throw new ArgumentException($"Unknown API token scope '{scope}'.", nameof(scope));
        }

        return builder.WithMetadata(new ApiTokenAccess(scope, eventRouteValue));
    }
}
