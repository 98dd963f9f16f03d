using EventBooking.Web.Auth;
using EventBooking.Web.Clients;

namespace EventBooking.Web.Extensions;

/// <summary>The organizer's download of an event's waiting list (events-api writes the CSV and decides who may have it).</summary>
public static class WaitingListEndpoints
{
    public static IEndpointRouteBuilder MapWaitingListEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/organizer/events/{id:guid}/waiting-list.csv", WaitingListCsv).RequireAuthorization(Policies.Organizer).WithName("WaitingListCsv");
        return app;
    }

    public static async Task<IResult> WaitingListCsv(Guid id, HttpContext context, UserTokenProvider tokens, WaitingListClient waitingList,
        CancellationToken cancellationToken)
    {
        tokens.UseUser(context.User);
        var result = await waitingList.ExportAsync(id, cancellationToken);
        if (result.Value is { } csv)
        {
            return TypedResults.File(csv, "text/csv", $"waiting-list-{id}.csv");
        }

        // events-api's refusal passed on with its code unchanged (an answer without a body is a 502).
        return result.Problem is { } problem
            ? Problems.For(new Error(problem.Code, problem.Kind, problem.Message))
            : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway);
    }
}
