namespace Users.Api.Model;

/// <summary>
/// An organizer's credential for an integration (a door scanner, a CRM sync): named, limited to scopes and optionally to one
/// event, with an optional expiry. Its secret is shown once when it is created; only the secret's SHA-256 is stored, so a copy
/// of the database lets nobody in. Revoked tokens are kept (listed as revoked) so the owner can see what was used when.
/// </summary>
public sealed class ApiToken
{
    public const int NameMaxLength = 80;
    /// <summary>How many tokens an account may have that are neither revoked nor expired.</summary>
    public const int MaxActivePerUser = 50;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);
    /// <summary>How stale the "last used" time may be: the use is written at most once per token and period.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    private ApiToken()
    {
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public List<string> Scopes { get; private set; } = [];
    /// <summary>The one event the token may act on (door staff), or null for all of the owner's events.</summary>
    public Guid? EventId { get; private set; }
    /// <summary>The first characters of the secret, shown in lists so the owner can tell tokens apart.</summary>
    public string Hint { get; private set; } = "";
    public byte[] SecretHash { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>A new token and its secret (to be shown once).</summary>
    public static (ApiToken Token, string Secret) Create(Guid userId, string name, IEnumerable<string> scopes, Guid? eventId,
        DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        var secret = ApiTokenFormat.NewSecret();
        return (new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Name = name.Trim(),
            Scopes = scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            EventId = eventId,
            Hint = secret[..(ApiTokenFormat.Prefix.Length + 6)],
            SecretHash = ApiTokenFormat.Hash(secret),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        }, secret);
    }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Revokes the token (again: nothing changes).</summary>
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    /// <summary>Records a use; false when the recorded one is recent enough that nothing needs writing.</summary>
    public bool RecordUse(DateTimeOffset now)
    {
        if (LastUsedAt is { } last && now - last < LastUseResolution)
        {
            return false;
        }

        LastUsedAt = now;
        return true;
    }

    /// <summary>The field errors of a creation request (none: an empty dictionary).</summary>
    public static Dictionary<string, string> Validate(string? name, IReadOnlyList<string?>? scopes, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = "Give the token a name (what it is for).";
        }
        else if (name.Trim().Length > NameMaxLength)
        {
            errors["name"] = $"The name is at most {NameMaxLength} characters.";
        }
        else if (InputRules.Text(name) is { } textError)
        {
            errors["name"] = textError;
        }

        if (scopes is null or [])
        {
            errors["scopes"] = $"Give at least one scope: {string.Join(", ", ApiTokenScopes.All)}.";
        }
        else if (scopes.Any(s => s is null || !ApiTokenScopes.IsKnown(s)))
        {
            var unknown = scopes.First(s => s is null || !ApiTokenScopes.IsKnown(s));
            errors["scopes"] = $"Unknown scope '{unknown}'; the scopes are {string.Join(", ", ApiTokenScopes.All)}.";
        }

        if (expiresAt is { } expiry && expiry <= now)
        {
            errors["expiresAt"] = "The expiry must be in the future.";
        }
        else if (expiresAt is { } far && far > now + MaxLifetime)
        {
            errors["expiresAt"] = "A token lasts at most a year; create a new one when it expires.";
        }

        return errors;
    }
}
