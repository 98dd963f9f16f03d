using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using EventBooking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Users.Api.Infrastructure;
using Xunit;

namespace Users.Api.Tests;

/// <summary>Its own users-api (the clock moves, keys rotate), validated by another service.</summary>
public sealed class TokenSecurityPlatform(PostgresFixture postgres, RabbitMqFixture rabbitMq) : UsersPlatform(postgres, rabbitMq);

public sealed class TokenSecurityTests(TokenSecurityPlatform platform) : IClassFixture<TokenSecurityPlatform>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<SecurityKey> CurrentKeyAsync() =>
        (await platform.Api.Services.GetRequiredService<SigningKeyStore>().GetAsync(Cancel)).Current.Key;

    private static Dictionary<string, object> ClaimsFor(Guid userId, params string[] roles) => new()
    {
        ["sub"] = userId.ToString(),
        ["email"] = "someone@example.com",
        ["name"] = "Someone",
        ["role"] = roles.ToList(),
        ["jti"] = Guid.NewGuid().ToString(),
        ["sid"] = Guid.CreateVersion7().ToString(),
    };

    private static string Sign(SecurityKey key, string algorithm, Dictionary<string, object> claims, string issuer = "urn:eventbooking:users-api",
        string audience = "eventbooking-api", DateTime? expires = null, DateTime? notBefore = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? DateTime.UtcNow).AddSeconds(-1),
            NotBefore = notBefore ?? DateTime.UtcNow.AddSeconds(-1),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task TokensSignedWithTheRealKeyAreAcceptedOnlyWhenEveryClaimIsRight()
    {
        var key = await CurrentKeyAsync();
        var claims = ClaimsFor(Guid.CreateVersion7(), "attendee", "admin");
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/admin", Sign(key, SecurityAlgorithms.EcdsaSha256, claims)));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", Sign(key, SecurityAlgorithms.EcdsaSha256, claims, audience: "another-api")));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", Sign(key, SecurityAlgorithms.EcdsaSha256, claims, issuer: "urn:someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user",
            Sign(key, SecurityAlgorithms.EcdsaSha256, claims, expires: DateTime.UtcNow.AddMinutes(-2), notBefore: DateTime.UtcNow.AddMinutes(-12))));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user",
            Sign(key, SecurityAlgorithms.EcdsaSha256, claims, notBefore: DateTime.UtcNow.AddMinutes(5), expires: DateTime.UtcNow.AddMinutes(10))));
    }

    [Fact]
    public async Task ExpiredTokensIssuedByUsersApiAreRefused()
    {
        var user = await platform.RegisterAsync();
        platform.Api.Clock.Offset = TimeSpan.FromMinutes(-30);
        try
        {
            var stale = await platform.LoginAsync(user.Email);
            Assert.True(stale.ExpiresAt < DateTimeOffset.UtcNow);
            Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", stale.AccessToken));
        }
        finally
        {
            platform.Api.Clock.Offset = TimeSpan.Zero;
        }

        var fresh = await platform.LoginAsync(user.Email);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", fresh.AccessToken));
    }

    [Fact]
    public async Task ForgedTamperedAndUnsignedTokensAreRefused()
    {
        var (user, tokens) = await platform.NewSessionAsync();
        var real = new JsonWebToken(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", tokens.AccessToken));

        // Forged: a key of the attacker's own, claiming the real key id.
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forgedKey = new ECDsaSecurityKey(ecdsa) { KeyId = real.Kid };
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/admin",
            Sign(forgedKey, SecurityAlgorithms.EcdsaSha256, ClaimsFor(user.Id, "admin"))));
        using var rsa = RSA.Create(2048);
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user",
            Sign(new RsaSecurityKey(rsa) { KeyId = "attacker" }, SecurityAlgorithms.RsaSha256, ClaimsFor(user.Id))));

        // Symmetric "key confusion": HS256 with the public key as the secret.
        var publicKey = ((ECDsaSecurityKey)await CurrentKeyAsync()).ECDsa.ExportSubjectPublicKeyInfo();
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user",
            Sign(new SymmetricSecurityKey(publicKey) { KeyId = real.Kid }, SecurityAlgorithms.HmacSha256, ClaimsFor(user.Id))));

        // Tampered: the payload gains the admin role, the real signature is kept.
        var parts = tokens.AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var elevated = payload.Replace("\"role\":\"attendee\"", "\"role\":[\"attendee\",\"admin\"]", StringComparison.Ordinal)
            .Replace("\"role\":[\"attendee\"]", "\"role\":[\"attendee\",\"admin\"]", StringComparison.Ordinal);
        Assert.NotEqual(payload, elevated);
        var tampered = $"{parts[0]}.{Base64Url(elevated)}.{parts[2]}";
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", tampered));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/admin", tampered));

        // alg=none, with and without a trailing signature.
        var none = $"{Base64Url("""{"alg":"none","typ":"JWT"}""")}.{Base64Url(elevated)}.";
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", none));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", none + parts[2]));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", "not-a-jwt"));

        // users-api refuses them as well.
        using var client = platform.Client(none);
        using var me = await client.GetAsync("/api/users/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task ATokenSignedByARotatedOutKeyStopsWorking()
    {
        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        var (_, first) = await platform.NewSessionAsync();
        var firstKid = new JsonWebToken(first.AccessToken).Kid;
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", first.AccessToken));

        // One rotation: the first key becomes "previous" and still validates; the new current key signs.
        await RotateAsync(admin.AccessToken);
        var (_, second) = await platform.NewSessionAsync();
        Assert.NotEqual(firstKid, new JsonWebToken(second.AccessToken).Kid);
        await Poll.UntilAsync(async () => await platform.Validator.StatusAsync("/user", second.AccessToken) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the validator accepts tokens of the new key", Cancel);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", first.AccessToken));

        // A second rotation retires the first key: it leaves the JWKS, and once the validator re-reads it, tokens it signed fail.
        await RotateAsync(admin.AccessToken);
        using (var client = platform.Client())
        {
            var jwks = await client.GetStringAsync("/.well-known/jwks.json", Cancel);
            Assert.DoesNotContain(firstKid, jwks, StringComparison.Ordinal);
        }

        using var unknown = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var probe = Sign(new ECDsaSecurityKey(unknown) { KeyId = "unknown-kid" }, SecurityAlgorithms.EcdsaSha256, ClaimsFor(Guid.CreateVersion7()));
        await Poll.UntilAsync(async () =>
        {
            // An unknown kid makes the validator fetch the JWKS again (what any token of a new key would do).
            await platform.Validator.StatusAsync("/user", probe);
            return await platform.Validator.StatusAsync("/user", first.AccessToken) == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(30), "the validator refuses the retired key", Cancel);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", second.AccessToken));
        var (_, third) = await platform.NewSessionAsync();
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", third.AccessToken));
    }

    [Fact]
    public async Task TheCurrentKeyRotatesWhenItIsDue()
    {
        var store = platform.Api.Services.GetRequiredService<SigningKeyStore>();
        var before = (await store.GetAsync(Cancel)).Current.Id;
        await store.RotateIfDueAsync(Cancel);
        Assert.Equal(before, (await store.GetAsync(Cancel)).Current.Id);

        platform.Api.Clock.Offset = TimeSpan.FromDays(31);
        try
        {
            await store.RotateIfDueAsync(Cancel);
            var ring = await store.GetAsync(Cancel);
            Assert.NotEqual(before, ring.Current.Id);
            Assert.Contains(ring.Published, k => k.Id == before && k.Status == Users.Api.Model.SigningKeyStatus.Previous);
            // Due once, rotated once: a second check right after changes nothing.
            await store.RotateIfDueAsync(Cancel);
            Assert.Equal(ring.Current.Id, (await store.GetAsync(Cancel)).Current.Id);
        }
        finally
        {
            platform.Api.Clock.Offset = TimeSpan.Zero;
            store.Invalidate();
        }
    }

    [Fact]
    public async Task RepeatedFailuresLockTheAccountUntilTheLockoutEnds()
    {
        var user = await platform.RegisterAsync();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await platform.PostLoginAsync(user.Email, $"Wrong-Password-{i}");
            await Helpers.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }

        // Locked: even the right password is refused, with the same answer as a wrong one.
        using (var locked = await platform.PostLoginAsync(user.Email, Helpers.Password))
        {
            var problem = await Helpers.AssertProblemAsync(locked, HttpStatusCode.Unauthorized);
            Assert.Equal("invalid-credentials", problem.RootElement.GetProperty("code").GetString());
        }

        platform.Api.Clock.Offset = TimeSpan.FromMinutes(16);
        try
        {
            var tokens = await platform.LoginAsync(user.Email);
            Assert.Equal(user.Id, tokens.UserId);
        }
        finally
        {
            platform.Api.Clock.Offset = TimeSpan.Zero;
        }
    }

    private async Task RotateAsync(string adminToken)
    {
        using var client = platform.Client(adminToken);
        using var response = await client.PostAsync("/api/signing-keys/rotate", null, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = await response.Content.ReadFromJsonAsync<List<Users.Api.Apis.SigningKeyInfo>>(Cancel);
        Assert.Equal(["Next", "Current", "Previous"], keys!.Select(k => k.Status).ToList());
    }
}
