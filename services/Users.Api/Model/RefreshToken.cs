using System.Security.Cryptography;

namespace Users.Api.Model;

/// <summary>
/// One refresh token of a session (a family). Only its SHA-256 hash is stored. Using it rotates it: it is marked used
/// and a successor is issued in the same family; presenting a used or revoked token again revokes the whole family.
/// </summary>
public sealed class RefreshToken
{
    private RefreshToken()
    {
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    /// <summary>The session: every token rotated from the same sign-in shares it (carried as <c>sid</c> in access tokens).</summary>
    public Guid FamilyId { get; private set; }
    public byte[] TokenHash { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>Creates a token; returns the entity (hash only) and the opaque value handed to the client once.</summary>
    public static (RefreshToken Token, string Value) Issue(Guid userId, Guid familyId, DateTimeOffset now, TimeSpan lifetime)
    {
        var value = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            FamilyId = familyId,
            TokenHash = Hash(value),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        }, value);
    }

    public static byte[] Hash(string value) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value));

    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
