using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Users.Api.Model;

namespace Users.Api.Apis;

// Request bodies: every property nullable so a missing field is reported as such; unknown properties are refused
// (UnmappedMemberHandling.Disallow), so nothing like "roles" can be mass-assigned.
/// <summary>A new account; <paramref name="PreferredLanguage"/> (a BCP 47 tag, optional) is the language its emails speak from the first one on.</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? AccountType, string? PreferredLanguage = null);

/// <summary>
/// The one answer to a valid registration, whether the address was new or already had an account (no enumeration).
/// </summary>
public sealed record RegistrationAccepted(string Status, string Message)
{
    public static Accepted<RegistrationAccepted> Response { get; } = TypedResults.Accepted((string?)null, new RegistrationAccepted("accepted",
        "If this address can be registered, the account is ready: sign in with the email and password you chose. " +
        "We email a link to verify the address; open it before booking."));
}

public sealed record VerifyEmailRequest(string? Token);

public sealed record ForgotPasswordRequest(string? Email);

public sealed record ResetPasswordRequest(string? Token, string? NewPassword);

/// <summary>The answer to a request for an emailed link: the same whether or not a link was sent (no enumeration).</summary>
public sealed record LinkRequestAccepted(string Status, string Message)
{
    public static Accepted<LinkRequestAccepted> PasswordReset { get; } = TypedResults.Accepted((string?)null, new LinkRequestAccepted("accepted",
        "If an account uses this address, we have emailed it a link to choose a new password. The link works once, for a short time."));

    public static Accepted<LinkRequestAccepted> Verification { get; } = TypedResults.Accepted((string?)null, new LinkRequestAccepted("accepted",
        "We have emailed you a new verification link. Open it to verify your address."));
}

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record UpdateProfileRequest(string? DisplayName, string? Phone, string? PreferredLanguage, bool? EmailNotifications);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record SetRolesRequest(List<string?>? Roles);

/// <summary>Disable (true) or enable (false) an account.</summary>
public sealed record SetDisabledRequest(bool? Disabled);

public sealed record UserProfile(
    Guid Id,
    string Email,
    bool EmailVerified,
    string DisplayName,
    string? Phone,
    string? PreferredLanguage,
    bool EmailNotifications,
    IReadOnlyList<string> Roles,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static UserProfile From(User user) => new(user.Id, user.Email, user.IsEmailVerified, user.DisplayName, user.Phone, user.PreferredLanguage,
        user.EmailNotifications, user.Roles, user.IsDisabled, user.CreatedAt, user.UpdatedAt);
}

/// <summary>The users whose contact details a service asks for at once (POST /internal/users/contacts).</summary>
public sealed record ContactsRequest(IReadOnlyList<Guid>? Ids);

/// <summary>What other services need to reach a person (GET /internal/users/{id}, POST /internal/users/contacts).</summary>
public sealed record UserContact(Guid Id, string Email, string DisplayName, bool EmailNotifications, string? PreferredLanguage);

// OpenID Connect and OAuth2 documents: member names as the specifications spell them.
public sealed record DiscoveryDocument(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
    [property: JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
    [property: JsonPropertyName("scopes_supported")] IReadOnlyList<string> ScopesSupported,
    [property: JsonPropertyName("response_types_supported")] IReadOnlyList<string> ResponseTypesSupported,
    [property: JsonPropertyName("subject_types_supported")] IReadOnlyList<string> SubjectTypesSupported,
    [property: JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> SigningAlgorithms,
    [property: JsonPropertyName("claims_supported")] IReadOnlyList<string> ClaimsSupported);

public sealed record JsonWebKeyDocument(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("crv")] string Curve,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y);

public sealed record JsonWebKeySetDocument([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKeyDocument> Keys);

/// <summary>The token request's form fields (OAuth2 client credentials; <c>client_id</c>/<c>client_secret</c> may come as HTTP Basic instead).</summary>
public sealed record TokenRequestForm(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("client_id")] string? ClientId = null,
    [property: JsonPropertyName("client_secret")] string? ClientSecret = null,
    [property: JsonPropertyName("scope")] string? Scope = null);

public sealed record ServiceTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope")] string Scope);

public sealed record SigningKeyInfo(string Id, string Algorithm, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt);
