using Microsoft.AspNetCore.Http.HttpResults;
using Users.Api.Model;

namespace Users.Api.Apis;

// Request bodies: every property nullable so a missing field is reported as such; unknown properties are refused
// (UnmappedMemberHandling.Disallow), so nothing like "roles" can be mass-assigned.
public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? AccountType);

/// <summary>
/// The one answer to a valid registration, whether the address was new or already had an account (no enumeration).
/// </summary>
public sealed record RegistrationAccepted(string Status, string Message)
{
    public static Accepted<RegistrationAccepted> Response { get; } = TypedResults.Accepted((string?)null, new RegistrationAccepted("accepted",
        "If this address can be registered, the account is ready: sign in with the email and password you chose."));
}

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record UpdateProfileRequest(string? DisplayName, string? Phone, string? PreferredLanguage, bool? EmailNotifications);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record SetRolesRequest(List<string?>? Roles);

public sealed record UserProfile(
    Guid Id,
    string Email,
    string DisplayName,
    string? Phone,
    string? PreferredLanguage,
    bool EmailNotifications,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static UserProfile From(User user) => new(user.Id, user.Email, user.DisplayName, user.Phone, user.PreferredLanguage,
        user.EmailNotifications, user.Roles, user.CreatedAt, user.UpdatedAt);
}

public sealed record UserPage(IReadOnlyList<UserProfile> Items, int Page, int PageSize, int Total);

/// <summary>What other services need to reach a person (GET /internal/users/{id}).</summary>
public sealed record UserContact(Guid Id, string Email, string DisplayName, bool EmailNotifications, string? PreferredLanguage);

/// <summary>Collects field errors for <c>TypedResults.ValidationProblem</c>.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Check(string field, string? error)
    {
        if (error is not null)
        {
            Add(field, error);
        }

        return this;
    }

    public void Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(error);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
}
