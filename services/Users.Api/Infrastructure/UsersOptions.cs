using System.ComponentModel.DataAnnotations;

namespace Users.Api.Infrastructure;

/// <summary>Token issuing (section <c>Identity</c>), shared with every validating service through the contract.</summary>
public sealed class TokenIssuingOptions : IValidatableObject
{
    public const string Section = "Identity";

    [Required]
    public string Issuer { get; set; } = IdentityClaims.DefaultIssuer;
    /// <summary>End-user access tokens: at most 15 minutes (contract).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan ServiceTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
    /// <summary>The current signing key is replaced when it is older than this (timed rotation).</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);
    public TimeSpan KeyRotationCheckInterval { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long a replica trusts its in-memory copy of the key ring before reading it again.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Service identities (OAuth2 client credentials): <c>Identity:Clients:{name}:Secret</c>.</summary>
    public Dictionary<string, ClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AccessTokenLifetime <= TimeSpan.Zero || AccessTokenLifetime > TimeSpan.FromMinutes(15))
        {
            yield return new ValidationResult("Identity:AccessTokenLifetime must be between 0 and 15 minutes.", [nameof(AccessTokenLifetime)]);
        }

        if (ServiceTokenLifetime <= TimeSpan.Zero || ServiceTokenLifetime > TimeSpan.FromMinutes(15))
        {
            yield return new ValidationResult("Identity:ServiceTokenLifetime must be between 0 and 15 minutes.", [nameof(ServiceTokenLifetime)]);
        }

        if (RefreshTokenLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Identity:RefreshTokenLifetime must be positive.", [nameof(RefreshTokenLifetime)]);
        }

        if (KeyRotationInterval < TimeSpan.FromHours(1) || KeyRotationCheckInterval <= TimeSpan.Zero || KeyCacheDuration < TimeSpan.Zero)
        {
            yield return new ValidationResult("Identity key rotation settings are out of range (rotation interval at least 1 hour).", [nameof(KeyRotationInterval)]);
        }

        foreach (var (name, client) in Clients)
        {
            if (string.IsNullOrWhiteSpace(client.Secret) || client.Secret.Length < 16)
            {
                yield return new ValidationResult($"Identity:Clients:{name}:Secret must be at least 16 characters.", [nameof(Clients)]);
            }
        }
    }
}

public sealed class ClientOptions
{
    public string? Secret { get; set; }
}

/// <summary>Account protection (section <c>Users</c>).</summary>
public sealed class AccountOptions : IValidatableObject
{
    public const string Section = "Users";

    /// <summary>PBKDF2 (HMAC-SHA512, Identity V3 format) iterations; never below 210,000.</summary>
    public int PasswordHashIterations { get; set; } = 210_000;
    public int MaxFailedLogins { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>Whether people may open an organizer account themselves (<c>accountType: "organizer"</c>).</summary>
    public bool AllowOrganizerRegistration { get; set; } = true;
    /// <summary>
    /// How long an email verification link works. A day: people register ahead of a sale and open their mail later; a
    /// signed-in user can ask for a fresh link at any time.
    /// </summary>
    public TimeSpan VerificationLinkLifetime { get; set; } = TimeSpan.FromDays(1);
    /// <summary>How long a password reset link works (OWASP: short; it opens the account without the password).</summary>
    public TimeSpan ResetLinkLifetime { get; set; } = TimeSpan.FromMinutes(30);
    public RateLimitRule LoginRateLimit { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
    public RateLimitRule RegisterRateLimit { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
    public RateLimitRule TokenRateLimit { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PasswordHashIterations < 210_000)
        {
            yield return new ValidationResult("Users:PasswordHashIterations must be at least 210,000.", [nameof(PasswordHashIterations)]);
        }

        if (MaxFailedLogins < 1 || LockoutDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Users:MaxFailedLogins and Users:LockoutDuration must be positive.", [nameof(MaxFailedLogins)]);
        }

        if (VerificationLinkLifetime <= TimeSpan.Zero || ResetLinkLifetime <= TimeSpan.Zero || ResetLinkLifetime > TimeSpan.FromHours(2))
        {
            yield return new ValidationResult("Users:VerificationLinkLifetime must be positive and Users:ResetLinkLifetime between 0 and 2 hours.",
                [nameof(ResetLinkLifetime)]);
        }

        foreach (var rule in new[] { LoginRateLimit, RegisterRateLimit, TokenRateLimit })
        {
            if (rule.PermitLimit < 1 || rule.Window <= TimeSpan.Zero)
            {
                yield return new ValidationResult("Rate limits need a positive PermitLimit and Window.", [nameof(LoginRateLimit)]);
            }
        }
    }
}

public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}
