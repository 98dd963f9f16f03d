using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Users.Api.Model;

namespace Users.Api.Infrastructure;

public sealed record IssuedToken(string Value, DateTimeOffset ExpiresAt, TimeSpan Lifetime);

/// <summary>Signs access tokens (ES256 JWTs) with the current key, following docs/contracts.md "Tokens".</summary>
public sealed class TokenIssuer(SigningKeyStore keys, TimeProvider time, IOptions<TokenIssuingOptions> options)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>
    /// An end-user token. Its <c>locale</c> is the profile's preferred language when the token is signed (none: no claim), so
    /// other services can write to the user in it without asking users-api; a preference changed in the profile reaches the
    /// next token (refresh or sign-in), at most one access-token lifetime (≤ 15 minutes) later.
    /// </summary>
    public Task<IssuedToken> CreateUserTokenAsync(User user, Guid sessionId, CancellationToken cancellationToken)
    {
        var claims = new Dictionary<string, object>
        {
            [IdentityClaims.Subject] = user.Id.ToString(),
            [IdentityClaims.Email] = user.Email,
            [IdentityClaims.Name] = user.DisplayName,
            [IdentityClaims.Role] = user.Roles.ToList(),
            [EmailVerification.Claim] = user.IsEmailVerified,
            ["sid"] = sessionId.ToString(),
        };
        if (user.PreferredLanguage is { } language)
        {
            claims[IdentityClaims.Locale] = language;
        }

        return CreateAsync(claims, options.Value.AccessTokenLifetime, cancellationToken);
    }

    public Task<IssuedToken> CreateServiceTokenAsync(string clientId, CancellationToken cancellationToken) =>
        CreateAsync(new Dictionary<string, object>
        {
            [IdentityClaims.Subject] = clientId,
            [IdentityClaims.ClientId] = clientId,
            [IdentityClaims.Scope] = IdentityClaims.InternalScope,
        }, options.Value.ServiceTokenLifetime, cancellationToken);

    private async Task<IssuedToken> CreateAsync(Dictionary<string, object> claims, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var ring = await keys.GetAsync(cancellationToken);
        var now = time.GetUtcNow();
        claims[JwtRegisteredClaimNames.Jti] = Guid.CreateVersion7().ToString();
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = IdentityClaims.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(ring.Current.Key, SecurityAlgorithms.EcdsaSha256),
        });
        return new IssuedToken(token, expires, lifetime);
    }
}

/// <summary>
/// users-api validates its own tokens from its key store directly (no HTTP round trip to itself): the same issuer,
/// audience and published keys the other services read from the discovery document.
/// </summary>
public sealed class LocalTokenConfiguration(SigningKeyStore keys, IOptions<TokenIssuingOptions> options) : IConfigurationManager<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var ring = await keys.GetAsync(cancel);
        var configuration = new OpenIdConnectConfiguration { Issuer = options.Value.Issuer };
        foreach (var key in ring.Published)
        {
            configuration.SigningKeys.Add(key.Key);
        }

        return configuration;
    }

    public void RequestRefresh() => keys.Invalidate();
}
