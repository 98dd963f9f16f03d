namespace Users.Api.Model;

/// <summary>A person's account: identity, profile, roles and the lockout state of their password sign-in.</summary>
public sealed class User
{
    private User()
    {
    }

    public Guid Id { get; private set; }
    public string Email { get; private set; } = "";
    /// <summary>Upper-cased invariant email: the unique, case-insensitive lookup key.</summary>
    public string NormalizedEmail { get; private set; } = "";
    public string DisplayName { get; private set; } = "";
    public string PasswordHash { get; private set; } = "";
    public string? Phone { get; private set; }
    public string? PreferredLanguage { get; private set; }
    public bool EmailNotifications { get; private set; } = true;
    /// <summary>When the person proved they read mail at <see cref="Email"/> (a link we sent, or an admin); null until then.</summary>
    public DateTimeOffset? EmailVerifiedAt { get; private set; }
    public List<string> Roles { get; private set; } = [];
    public int FailedLoginCount { get; private set; }
    public DateTimeOffset? LockoutEndsAt { get; private set; }

    /// <summary>When an admin disabled the account (null: enabled). A disabled account cannot sign in or refresh a session.</summary>
    public DateTimeOffset? DisabledAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>PostgreSQL <c>xmin</c>: optimistic concurrency for profile, role and lockout updates.</summary>
    public uint Version { get; private set; }

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();

    public static User Create(Guid id, string email, string displayName, IEnumerable<string> roles, DateTimeOffset now, string? preferredLanguage = null) => new()
    {
        Id = id,
        Email = email.Trim(),
        NormalizedEmail = Normalize(email),
        DisplayName = displayName.Trim(),
        PreferredLanguage = string.IsNullOrWhiteSpace(preferredLanguage) ? null : preferredLanguage.Trim(),
        Roles = [.. UserRoles.Canonical(roles)],
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void SetPasswordHash(string hash, DateTimeOffset now)
    {
        PasswordHash = hash;
        UpdatedAt = now;
    }

    public bool IsEmailVerified => EmailVerifiedAt is not null;

    /// <summary>Records the proof of the address (the first one counts; later proofs change nothing).</summary>
    public void MarkEmailVerified(DateTimeOffset now)
    {
        if (EmailVerifiedAt is null)
        {
            EmailVerifiedAt = now;
            UpdatedAt = now;
        }
    }

    /// <summary>
    /// A new password chosen through a reset link: the link proved control of the address, so it also verifies it,
    /// and it ends any lockout (the lockout guards the old password against guessing).
    /// </summary>
    public void ResetPassword(string hash, DateTimeOffset now)
    {
        SetPasswordHash(hash, now);
        RecordSuccessfulLogin();
        MarkEmailVerified(now);
    }

    public bool IsLockedOut(DateTimeOffset now) => LockoutEndsAt is { } end && end > now;

    /// <summary>Counts a wrong password; locks the account once <paramref name="maxAttempts"/> failures follow each other.</summary>
    public void RecordFailedLogin(DateTimeOffset now, int maxAttempts, TimeSpan lockoutDuration)
    {
        FailedLoginCount++;
        if (FailedLoginCount >= maxAttempts)
        {
            LockoutEndsAt = now + lockoutDuration;
            FailedLoginCount = 0;
        }
    }

    public void RecordSuccessfulLogin()
    {
        FailedLoginCount = 0;
        LockoutEndsAt = null;
    }

    public void UpdateProfile(string displayName, string? phone, string? preferredLanguage, bool emailNotifications, DateTimeOffset now)
    {
        DisplayName = displayName.Trim();
        Phone = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim();
        PreferredLanguage = string.IsNullOrWhiteSpace(preferredLanguage) ? null : preferredLanguage.Trim();
        EmailNotifications = emailNotifications;
        UpdatedAt = now;
    }

    public void SetRoles(IEnumerable<string> roles, DateTimeOffset now)
    {
        Roles = [.. UserRoles.Canonical(roles)];
        UpdatedAt = now;
    }

    public bool IsDisabled => DisabledAt is not null;

    /// <summary>Disables (an admin's decision, e.g. abuse or fraud) or enables the account; the same state again changes nothing.</summary>
    public void SetDisabled(bool disabled, DateTimeOffset now)
    {
        if (disabled == IsDisabled)
        {
            return;
        }

        DisabledAt = disabled ? now : null;
        UpdatedAt = now;
    }
}

/// <summary>The platform's roles. Every account is at least an attendee.</summary>
public static class UserRoles
{
    public const string Attendee = IdentityClaims.AttendeeRole;
    public const string Organizer = IdentityClaims.OrganizerRole;
    public const string Admin = IdentityClaims.AdminRole;

    public static readonly IReadOnlyList<string> All = [Attendee, Organizer, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>Known roles, de-duplicated, in a fixed order, always including <see cref="Attendee"/>.</summary>
    public static IEnumerable<string> Canonical(IEnumerable<string> roles)
    {
        var set = roles.Append(Attendee).ToHashSet(StringComparer.Ordinal);
        return All.Where(set.Contains);
    }
}
