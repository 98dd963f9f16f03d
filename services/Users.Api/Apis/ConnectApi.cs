using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Users.Api.Infrastructure;
using Users.Api.Model;

namespace Users.Api.Apis;

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

public sealed record ServiceTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope")] string Scope);

public sealed record SigningKeyInfo(string Id, string Algorithm, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt);

/// <summary>OpenID discovery, the JWKS, the OAuth2 token endpoint for service identities, and signing-key rotation.</summary>
public static partial class ConnectApi
{
    public const string TokenRateLimit = "token";
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string JwksPath = "/.well-known/jwks.json";
    public const string TokenPath = "/connect/token";

    public static IEndpointRouteBuilder MapConnectApi(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("").WithTags("OpenID Connect");
        connect.MapGet(DiscoveryPath, GetDiscovery).WithName("OpenIdConfiguration").WithSummary("OpenID discovery document.");
        connect.MapGet(JwksPath, GetJwks).WithName("Jwks").WithSummary("The published signing keys (next, current, previous).");
        connect.MapPost(TokenPath, IssueServiceToken).WithName("Token")
            .WithSummary("OAuth2 client credentials: a service-identity token with the internal scope.")
            .DisableAntiforgery()
            .RequireRateLimiting(TokenRateLimit);

        var keys = app.MapGroup("/api/signing-keys").WithTags("Signing keys").RequireAuthorization(Policies.Admin);
        keys.MapGet("/", ListSigningKeys).WithName("ListSigningKeys").WithSummary("The signing keys in the JWKS and their status (admin).");
        keys.MapPost("/rotate", RotateSigningKeys).WithName("RotateSigningKeys")
            .WithSummary("Rotates now: next → current, current → previous, previous leaves the JWKS (admin).");
        return app;
    }

    public static Ok<DiscoveryDocument> GetDiscovery(HttpRequest request, IOptions<TokenIssuingOptions> options)
    {
        var origin = $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}";
        return TypedResults.Ok(new DiscoveryDocument(
            options.Value.Issuer,
            origin + JwksPath,
            origin + TokenPath,
            ["client_credentials"],
            ["client_secret_post", "client_secret_basic"],
            [IdentityClaims.InternalScope],
            ["token"],
            ["public"],
            [SecurityAlgorithms.EcdsaSha256],
            [IdentityClaims.Subject, IdentityClaims.Email, IdentityClaims.Name, IdentityClaims.Role, IdentityClaims.ClientId, IdentityClaims.Scope, "jti", "sid"]));
    }

    public static async Task<Ok<JsonWebKeySetDocument>> GetJwks(HttpResponse response, SigningKeyStore keys, CancellationToken cancellationToken)
    {
        var ring = await keys.GetAsync(cancellationToken);
        response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(new JsonWebKeySetDocument([.. ring.Published.Select(ToJwk)]));
    }

    public static async Task<Results<Ok<ServiceTokenResponse>, ProblemHttpResult>> IssueServiceToken(
        HttpRequest request, TokenIssuer tokens, IOptions<TokenIssuingOptions> options, ILogger<TokenIssuer> logger, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return Problems.OAuth("invalid_request", "The token request must be application/x-www-form-urlencoded.");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var grantType = Single(form, "grant_type");
        var (clientId, clientSecret) = ClientCredentials(request, form);
        var scope = Single(form, "scope");
        if (grantType is null || clientId is null || clientSecret is null || clientId.Length > 100 || clientSecret.Length > 200)
        {
            return Problems.OAuth("invalid_request", "grant_type, client_id and client_secret are required (each once).");
        }

        if (grantType != "client_credentials")
        {
            return Problems.OAuth("unsupported_grant_type", "Only the client_credentials grant is supported here.");
        }

        if (!IsValidClient(options.Value, clientId, clientSecret))
        {
            LogClientRefused(logger, clientId.Length <= 64 ? clientId : clientId[..64]);
            return Problems.OAuth("invalid_client", "Client authentication failed.", StatusCodes.Status401Unauthorized);
        }

        if (scope is not null && scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => s != IdentityClaims.InternalScope))
        {
            return Problems.OAuth("invalid_scope", $"The only scope is '{IdentityClaims.InternalScope}'.");
        }

        var token = await tokens.CreateServiceTokenAsync(clientId, cancellationToken);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ServiceTokenResponse(token.Value, "Bearer", (int)token.Lifetime.TotalSeconds, IdentityClaims.InternalScope));
    }

    public static async Task<Ok<IReadOnlyList<SigningKeyInfo>>> ListSigningKeys(SigningKeyStore keys, CancellationToken cancellationToken)
    {
        var ring = await keys.GetAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SigningKeyInfo>>([.. ring.Published.Select(ToInfo)]);
    }

    public static async Task<Ok<IReadOnlyList<SigningKeyInfo>>> RotateSigningKeys(SigningKeyStore keys, CancellationToken cancellationToken)
    {
        await keys.RotateAsync(cancellationToken);
        var ring = await keys.GetAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SigningKeyInfo>>([.. ring.Published.Select(ToInfo)]);
    }

    private static SigningKeyInfo ToInfo(PublishedKey key) =>
        new(key.Id, SigningKey.Es256, key.Status.ToString(), key.CreatedAt, key.ActivatedAt);

    private static JsonWebKeyDocument ToJwk(PublishedKey key)
    {
        var parameters = key.Key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new JsonWebKeyDocument("EC", "sig", key.Id, SigningKey.Es256, "P-256",
            Base64UrlEncoder.Encode(parameters.Q.X), Base64UrlEncoder.Encode(parameters.Q.Y));
    }

    private static string? Single(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>client_secret_post (form fields) or client_secret_basic (Authorization: Basic), not both.</summary>
    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (form.ContainsKey("client_secret"))
            {
                return (null, null);
            }

            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon <= 0 ? (null, null)
                    : (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (Single(form, "client_id"), Single(form, "client_secret"));
    }

    private static bool IsValidClient(TokenIssuingOptions options, string clientId, string secret)
    {
        // Compare fixed-length digests in constant time; an unknown client costs the same comparison.
        var known = options.Clients.TryGetValue(clientId, out var client) && !string.IsNullOrEmpty(client.Secret);
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(known ? client!.Secret! : "unknown-client"));
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(expected, presented) && known;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client authentication failed for client {ClientId}")]
    private static partial void LogClientRefused(ILogger logger, string clientId);
}

/// <summary>Endpoints for other services (service identities only): <c>/internal/users</c>.</summary>
public static class InternalUsersApi
{
    public static IEndpointRouteBuilder MapInternalUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/users").WithTags("Internal").RequireAuthorization(Policies.Internal);
        api.MapGet("/{id:guid}", GetContact).WithName("GetUserContact")
            .WithSummary("A user's contact details and notification preference (service identities only).");
        return app;
    }

    public static async Task<Results<Ok<UserContact>, ProblemHttpResult>> GetContact(Guid id, UsersDbContext db, CancellationToken cancellationToken)
    {
        var contact = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleOrDefaultAsync(
            db.Users.Where(u => u.Id == id).Select(u => new UserContact(u.Id, u.Email, u.DisplayName, u.EmailNotifications, u.PreferredLanguage)),
            cancellationToken);
        return contact is null ? Problems.UserNotFound() : TypedResults.Ok(contact);
    }
}
