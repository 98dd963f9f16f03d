namespace Users.Api.Model;

/// <summary>How the account and session rules say no; the API edge answers each as a ProblemDetails with its code.</summary>
public static class UserErrors
{
    /// <summary>One answer for an unknown email, a wrong password and a locked account, so none of them can be told apart.</summary>
    public static readonly Error InvalidCredentials =
        new("invalid-credentials", ErrorKind.Unauthenticated, "The email or password is incorrect.");

    public static readonly Error InvalidRefreshToken =
        new("invalid-refresh-token", ErrorKind.Unauthenticated, "The refresh token is invalid, expired or revoked. Sign in again.");

    public static readonly Error Unauthenticated = new("unauthenticated", ErrorKind.Unauthenticated, "Authentication is required.");

    public static readonly Error NotYourAccount = Error.Forbidden("You may not read or change this account.");

    public static readonly Error UserNotFound = Error.NotFound("user");

    /// <summary>One answer for a link that never existed, expired, was used, or belongs to an address the account no longer has.</summary>
    public static readonly Error InvalidVerificationLink = new("invalid-verification-link", ErrorKind.Invalid,
        "This verification link is invalid, expired or already used. Sign in and ask for a new one.");

    public static readonly Error InvalidResetLink = new("invalid-reset-link", ErrorKind.Invalid,
        "This password reset link is invalid, expired or already used. Ask for a new one.");

    /// <summary>Told only to someone who proved the password: a disabled account is not hidden from its owner.</summary>
    public static readonly Error AccountDisabled = new("account-disabled", ErrorKind.Forbidden,
        "This account has been disabled. Contact the organizer or support if you think this is a mistake.");

    public static readonly Error CannotDisableYourself = new("cannot-disable-yourself", ErrorKind.Conflict,
        "You cannot disable your own account; another admin can.");

    public static readonly Error EmailAlreadyVerified = new("email-already-verified", ErrorKind.Conflict, "Your email address is already verified.");
}
