using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notifications.Api.Tests;

/// <summary>
/// Signs access tokens in users-api's shape (RS256, issuer, audience, sub/role/sid/client_id/scope claims) with a test key
/// the service under test is told to trust: real JWT validation, without needing users-api running.
/// </summary>
public sealed class TestTokens : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public TestTokens() => Key = new RsaSecurityKey(_rsa) { KeyId = "test-key" };

    public RsaSecurityKey Key { get; }

    public string User(Guid userId, params string[] roles) => Create(
    [
        new(IdentityClaims.Subject, userId.ToString()),
        new(IdentityClaims.Email, $"{userId:N}@example.test"),
        new(IdentityClaims.Name, "Test User"),
        new(IdentityClaims.SessionId, Guid.CreateVersion7().ToString()),
        .. (roles.Length == 0 ? [IdentityClaims.AttendeeRole] : roles).Select(role => new Claim(IdentityClaims.Role, role)),
    ]);

    public string Service(string clientId) => Create(
    [
        new(IdentityClaims.Subject, clientId),
        new(IdentityClaims.ClientId, clientId),
        new(IdentityClaims.Scope, IdentityClaims.InternalScope),
    ]);

    private string Create(IEnumerable<Claim> claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = IdentityClaims.DefaultIssuer,
        Audience = IdentityClaims.Audience,
        Subject = new ClaimsIdentity(claims),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
    });

    public void Dispose() => _rsa.Dispose();
}
