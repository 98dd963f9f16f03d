using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Users.Api.Model;

/// <summary>Field rules for accounts: lengths, formats and the password policy. Each returns an error message or null.</summary>
public static partial class UserRules
{
    public const int EmailMaxLength = 254;
    public const int DisplayNameMaxLength = 100;
    public const int PasswordMinLength = 12;
    public const int PasswordMaxLength = 128;
    public const int PhoneMaxLength = 32;
    public const int LanguageMaxLength = 35;
    public const int RefreshTokenMaxLength = 128;
    /// <summary>Emailed link tokens are 43 characters (32 random bytes, base64url); anything much longer is not one.</summary>
    public const int LinkTokenMaxLength = 128;
    public const int SearchMaxLength = 100;

    public static string? Email(string? email)
    {
        if (Required(email, "email", EmailMaxLength, out var trimmed) is { } error)
        {
            return error;
        }

        if (InputRules.Text(trimmed) is not null)
        {
            return "The email is not a valid address.";
        }

        return EmailShape().IsMatch(trimmed) && MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed
            ? null
            : "The email is not a valid address.";
    }

    public static string? DisplayName(string? displayName) =>
        Required(displayName, "display name", DisplayNameMaxLength, out var trimmed) ?? InputRules.Text(trimmed);

    /// <summary>
    /// The password policy: 12–128 characters, at least one letter and one digit or symbol, not mostly one character,
    /// and not the email address.
    /// </summary>
    public static string? Password(string? password, string? email = null)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "The password is required.";
        }

        if (password.Length < PasswordMinLength || password.Length > PasswordMaxLength)
        {
            return $"The password must be {PasswordMinLength} to {PasswordMaxLength} characters long.";
        }

        if (!password.Any(char.IsLetter) || !password.Any(c => !char.IsLetter(c)))
        {
            return "The password must contain letters and at least one digit or symbol.";
        }

        if (password.Distinct().Count() < 5)
        {
            return "The password must use at least 5 different characters.";
        }

        if (email is not null && string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return "The password must not be the email address.";
        }

        return null;
    }

    /// <summary>Presence and length only (for sign-in: the policy may have changed since the password was set).</summary>
    public static string? PasswordPresent(string? password) =>
        string.IsNullOrEmpty(password) ? "The password is required."
        : password.Length > PasswordMaxLength ? $"The password must be at most {PasswordMaxLength} characters."
        : null;

    public static string? Phone(string? phone) =>
        string.IsNullOrWhiteSpace(phone) ? null
        : phone.Trim().Length > PhoneMaxLength ? $"The phone number must be at most {PhoneMaxLength} characters."
        : PhoneShape().IsMatch(phone.Trim()) ? null
        : "The phone number may contain digits, spaces, '+', '-', '.', '(' and ')' only.";

    public static string? Language(string? language) =>
        string.IsNullOrWhiteSpace(language) ? null
        : language.Trim().Length > LanguageMaxLength ? $"The preferred language must be at most {LanguageMaxLength} characters."
        : LanguageShape().IsMatch(language.Trim()) ? null
        : "The preferred language must be a BCP 47 language tag such as 'en' or 'pt-BR'.";

    /// <summary>"Required" and "at most N characters" for a text that is stored trimmed; <paramref name="trimmed"/> is that text.</summary>
    private static string? Required(string? value, string what, int maxLength, out string trimmed)
    {
        trimmed = value?.Trim() ?? "";
        return trimmed.Length == 0 ? $"The {what} is required."
            : trimmed.Length > maxLength ? $"The {what} must be at most {maxLength} characters."
            : null;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^\+?[0-9(][0-9 ().\-]{3,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneShape();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageShape();
}
