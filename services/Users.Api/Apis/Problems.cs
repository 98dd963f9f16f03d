using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Users.Api.Apis;

/// <summary>The ProblemDetails this service answers with, each with a <c>type</c> naming the reason.</summary>
public static class Problems
{
    public const string TypeBase = "https://eventbooking.local/problems/";

    public static ProblemHttpResult InvalidCredentials() => TypedResults.Problem(new ProblemDetails
    {
        Type = TypeBase + "invalid-credentials",
        Title = "The email or password is incorrect.",
        Status = StatusCodes.Status401Unauthorized,
    });

    public static ProblemHttpResult InvalidRefreshToken() => TypedResults.Problem(new ProblemDetails
    {
        Type = TypeBase + "invalid-refresh-token",
        Title = "The refresh token is invalid, expired or revoked. Sign in again.",
        Status = StatusCodes.Status401Unauthorized,
    });

    public static ProblemHttpResult Forbidden() => TypedResults.Problem(new ProblemDetails
    {
        Type = TypeBase + "forbidden",
        Title = "You may not read or change this account.",
        Status = StatusCodes.Status403Forbidden,
    });

    public static ProblemHttpResult UserNotFound() => TypedResults.Problem(new ProblemDetails
    {
        Type = TypeBase + "user-not-found",
        Title = "No such user.",
        Status = StatusCodes.Status404NotFound,
    });

    public static ProblemHttpResult Unauthenticated() => TypedResults.Problem(new ProblemDetails
    {
        Type = TypeBase + "unauthenticated",
        Title = "Authentication is required.",
        Status = StatusCodes.Status401Unauthorized,
    });

    /// <summary>OAuth2 token-endpoint errors (RFC 6749 §5.2) as ProblemDetails carrying the <c>error</c> code too.</summary>
    public static ProblemHttpResult OAuth(string error, string title, int status = StatusCodes.Status400BadRequest)
    {
        var problem = new ProblemDetails { Type = TypeBase + "oauth/" + error, Title = title, Status = status };
        problem.Extensions["error"] = error;
        problem.Extensions["error_description"] = title;
        return TypedResults.Problem(problem);
    }
}
