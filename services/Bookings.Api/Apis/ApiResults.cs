using System.Security.Claims;
using Bookings.Api.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bookings.Api.Apis;

/// <summary>Shared pieces of the API surfaces: the caller, problem results, paging validation.</summary>
public static class ApiResults
{
    public const string ProblemTypeBase = "https://eventbooking.dev/problems/";

    public static Actor ActorOf(ClaimsPrincipal user) => new(
        user.UserId() ?? throw new InvalidOperationException("The User policy guarantees a user id."),
        user.FindFirst(IdentityClaims.Email)?.Value,
        user.FindFirst(IdentityClaims.Name)?.Value,
        user.IsAdmin(),
        user.HasClaim(IdentityClaims.Role, IdentityClaims.OrganizerRole) || user.IsAdmin());

    public static ProblemHttpResult Problem(int status, string reason, string detail, Guid? paymentId = null)
    {
        var extensions = new Dictionary<string, object?> { ["reason"] = reason };
        if (paymentId is not null)
        {
            extensions["paymentId"] = paymentId;
        }

        return TypedResults.Problem(detail, statusCode: status, title: TitleOf(reason), type: ProblemTypeBase + reason, extensions: extensions);
    }

    public static ProblemHttpResult Problem<T>(OperationResult<T> result) where T : class =>
        Problem(result.Status, result.Reason!, result.Detail ?? "", result.PaymentId);

    public static ProblemHttpResult NotFound(string what) => Problem(StatusCodes.Status404NotFound, what + "-not-found", $"No such {what}.");

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "forbidden", detail);

    public static Dictionary<string, string[]> ValidatePaging(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (InputRules.Page(page) is { } pageError)
        {
            errors["page"] = [pageError];
        }

        if (pageSize is < 1 or > 100)
        {
            errors["pageSize"] = ["pageSize must be between 1 and 100."];
        }

        return errors;
    }

    private static string TitleOf(string reason) =>
        char.ToUpperInvariant(reason[0]) + reason[1..].Replace('-', ' ').Replace('_', ' ') + ".";
}
