namespace Users.Api.Model;

/// <summary>
/// Lifecycle of a signing key: <see cref="Next"/> (published, not yet signing) → <see cref="Current"/> (signs) →
/// <see cref="Previous"/> (published so tokens it signed stay valid) → <see cref="Retired"/> (gone from the JWKS).
/// </summary>
public enum SigningKeyStatus
{
    Next = 0,
    Current = 1,
    Previous = 2,
    Retired = 3,
}

/// <summary>An ECDSA P-256 key pair; the private half is stored protected by ASP.NET Core Data Protection.</summary>
public sealed class SigningKey
{
    public const string Es256 = "ES256";

    private SigningKey()
    {
    }

    public string Id { get; private set; } = "";
    public string Algorithm { get; private set; } = Es256;
    public SigningKeyStatus Status { get; private set; }
    /// <summary>SubjectPublicKeyInfo (DER).</summary>
    public byte[] PublicKey { get; private set; } = [];
    /// <summary>PKCS#8 private key, protected with Data Protection.</summary>
    public byte[] ProtectedPrivateKey { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ActivatedAt { get; private set; }
    public DateTimeOffset? RetiredAt { get; private set; }

    public bool IsPublished => Status is SigningKeyStatus.Next or SigningKeyStatus.Current or SigningKeyStatus.Previous;

    public static SigningKey Create(string id, byte[] publicKey, byte[] protectedPrivateKey, SigningKeyStatus status, DateTimeOffset now) => new()
    {
        Id = id,
        PublicKey = publicKey,
        ProtectedPrivateKey = protectedPrivateKey,
        Status = status,
        CreatedAt = now,
        ActivatedAt = status == SigningKeyStatus.Current ? now : null,
    };

    /// <summary>Moves the key one step along its lifecycle.</summary>
    public void Advance(DateTimeOffset now)
    {
        switch (Status)
        {
            case SigningKeyStatus.Next:
                Status = SigningKeyStatus.Current;
                ActivatedAt = now;
                break;
            case SigningKeyStatus.Current:
                Status = SigningKeyStatus.Previous;
                break;
            case SigningKeyStatus.Previous:
                Status = SigningKeyStatus.Retired;
                RetiredAt = now;
                break;
            default:
                break;
        }
    }
}
