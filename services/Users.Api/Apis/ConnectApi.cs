using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Users.Api.Infrastructure;
using Users.Api.Model;

namespace Users.Api.Apis;

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
        connect.MapGet(DiscoveryPath, GetDiscovery).WithName("OpenIdConfiguration").WithSummary("OpenID discovery document.")
            .WithDescription("The issuer, `jwks_uri` and `token_endpoint`: the other services validate tokens by this `Authority`.");
        connect.MapGet(JwksPath, GetJwks).WithName("Jwks").WithSummary("The published signing keys (next, current, previous).")
            .WithDescription("ES256 public keys; a validator re-reads them on an unknown `kid`. Cached for 60 s.");
        connect.MapPost(TokenPath, IssueServiceToken).WithName("Token")
            .WithSummary("OAuth2 client credentials: a service-identity token with the internal scope.")
            .WithDescription("RFC 6749 §4.4: `client_secret_post` (form fields) or `client_secret_basic` (HTTP Basic). Errors are problems " +
                "that also carry the RFC's `error` and `error_description`; the token lives 10 minutes (`expires_in`).")
            .WithDocumentedRequestBody<RouteHandlerBuilder, TokenRequestForm>("application/x-www-form-urlencoded")
            .Refuses(StatusCodes.Status400BadRequest, "invalid-request", "unsupported-grant-type", "invalid-scope")
            .Refuses(StatusCodes.Status401Unauthorized, "invalid-client")
            .DisableAntiforgery()
            .RequireRateLimiting(TokenRateLimit);

        var keys = app.MapGroup("/api/signing-keys").WithTags("Signing keys").RequireAuthorization(Policies.Admin);
        keys.MapGet("/", ListSigningKeys).WithName("ListSigningKeys").WithSummary("The signing keys in the JWKS and their status (admin).");
        keys.MapPost("/rotate", RotateSigningKeys).WithName("RotateSigningKeys")
            .WithSummary("Rotates now: next → current, current → previous, previous leaves the JWKS (admin).")
            .WithDescription("Tokens signed with the key that leaves the JWKS stop validating once each service re-reads it.");
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
            [IdentityClaims.Subject, IdentityClaims.Email, IdentityClaims.Name, IdentityClaims.Locale, IdentityClaims.Role, IdentityClaims.ClientId, IdentityClaims.Scope, "jti", "sid"]));
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
            return OAuthError("invalid_request", "The token request must be application/x-www-form-urlencoded.");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var grantType = Single(form, "grant_type");
        var (clientId, clientSecret) = ClientCredentials(request, form);
        var scope = Single(form, "scope");
        if (grantType is null || clientId is null || clientSecret is null || clientId.Length > 100 || clientSecret.Length > 200)
        {
            return OAuthError("invalid_request", "grant_type, client_id and client_secret are required (each once).");
        }

        if (grantType != "client_credentials")
        {
            return OAuthError("unsupported_grant_type", "Only the client_credentials grant is supported here.");
        }

        if (!IsValidClient(options.Value, clientId, clientSecret))
        {
            LogClientRefused(logger, clientId.Length <= 64 ? clientId : clientId[..64]);
            return OAuthError("invalid_client", "Client authentication failed.", ErrorKind.Unauthenticated);
        }

        if (scope is not null && scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => s != IdentityClaims.InternalScope))
        {
            return OAuthError("invalid_scope", $"The only scope is '{IdentityClaims.InternalScope}'.");
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

    /// <summary>
    /// A token-endpoint error (RFC 6749 §5.2): a ProblemDetails whose code is the OAuth2 error in kebab case
    /// (<c>invalid_client</c> → <c>invalid-client</c>), carrying the RFC's own <c>error</c> and <c>error_description</c> too.
    /// </summary>
    private static ProblemHttpResult OAuthError(string error, string description, ErrorKind kind = ErrorKind.Invalid) =>
        Problems.For(new Error(error.Replace('_', '-'), kind, description),
            [new("error", error), new("error_description", description)]);

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
