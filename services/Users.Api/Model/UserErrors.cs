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
}
