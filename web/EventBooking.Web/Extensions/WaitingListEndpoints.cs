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
        return Downloads.File(await waitingList.ExportAsync(id, cancellationToken), "text/csv", $"waiting-list-{id}.csv");
    }
}
