using System.Security.Cryptography;

namespace Users.Api.Model;

/// <summary>What a one-time account link is for.</summary>
public enum AccountTokenPurpose
{
    /// <summary>Proves the person reads mail at the address; needed before booking.</summary>
    VerifyEmail,
    /// <summary>Lets the person choose a new password without the old one.</summary>
    ResetPassword,
}

/// <summary>
/// A one-time token mailed to a person as a link (email verification, password reset). Like refresh tokens, only its
/// SHA-256 hash is stored, so a copy of the database opens no account. It is bound to the address it was sent to (a link
/// sent before an email change proves nothing about the new address), expires, and is good once.
/// </summary>
public sealed class AccountToken
{
    private AccountToken()
    {
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public AccountTokenPurpose Purpose { get; private set; }
    public byte[] TokenHash { get; private set; } = [];
    /// <summary>The normalized address the link was sent to.</summary>
    public string NormalizedEmail { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }
    /// <summary>PostgreSQL <c>xmin</c>: two requests racing with the same link cannot both use it.</summary>
    public uint Version { get; private set; }

    /// <summary>Creates a token for <paramref name="user"/>'s current address; returns the entity (hash only) and the value to mail once.</summary>
    public static (AccountToken Token, string Value) Issue(User user, AccountTokenPurpose purpose, DateTimeOffset now, TimeSpan lifetime)
    {
        var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new AccountToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            Purpose = purpose,
            TokenHash = Hash(value),
            NormalizedEmail = user.NormalizedEmail,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        }, value);
    }

    public static byte[] Hash(string value) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>Unused, unexpired, and still about the user's current address.</summary>
    public bool IsUsableFor(User user, DateTimeOffset now) =>
        UsedAt is null && ExpiresAt > now && user.Id == UserId && string.Equals(user.NormalizedEmail, NormalizedEmail, StringComparison.Ordinal);

    public void Use(DateTimeOffset now) => UsedAt = now;
}
