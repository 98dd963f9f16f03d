using EventBooking.Web.Clients;

namespace EventBooking.Web.Extensions;

/// <summary>A file a service writes, passed on to the browser as a download.</summary>
public static class Downloads
{
    /// <summary>The file, or the service's refusal passed on with its code unchanged (an answer without a body is a 502).</summary>
    public static IResult File(ApiResult<byte[]> result, string contentType, string fileName)
    {
        if (result.Value is { } bytes)
        {
            return TypedResults.File(bytes, contentType, fileName);
        }

        return result.Problem is { } problem
            ? Problems.For(new Error(problem.Code, problem.Kind, problem.Message))
            : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway);
    }
}
