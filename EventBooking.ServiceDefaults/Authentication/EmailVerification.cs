using System.Security.Claims;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// The <c>email_verified</c> claim (OpenID Connect's name) users-api puts in every user token, and the refusal a service
/// answers when an action needs a proven address. Holding seats needs one: an account nobody can reach by email must not
/// take seats out of a sale rush, and a buyer must be able to receive the tickets and any cancellation notice.
/// </summary>
public static class EmailVerification
{
    public const string Claim = "email_verified";

    /// <summary>Whether the token says its user proved they read mail at their address (a JSON <c>true</c>).</summary>
    public static bool HasVerifiedEmail(this ClaimsPrincipal principal) =>
        string.Equals(principal.FindFirstValue(Claim), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>403 <c>email-not-verified</c>: the web shows it as "verify your email first", with a resend action.</summary>
    public static readonly Error NotVerified = new("email-not-verified", ErrorKind.Forbidden,
        "Verify your email address before booking: open the link we emailed you, or ask for a new one on your profile page.");
}
