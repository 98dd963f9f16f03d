using EventBooking.Web.Auth;
using EventBooking.Web.Clients;

namespace EventBooking.Web.Extensions;

/// <summary>The organizer's download of a venue plan's JSON document (events-api writes it and decides who may have it).</summary>
public static class VenuePlanEndpoints
{
    public static IEndpointRouteBuilder MapVenuePlanEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/organizer/venue-plans/{id:guid}/export.json", VenuePlanJson).RequireAuthorization(Policies.Organizer).WithName("VenuePlanJson");
        return app;
    }

    public static async Task<IResult> VenuePlanJson(Guid id, HttpContext context, UserTokenProvider tokens, EventsClient events, CancellationToken cancellationToken)
    {
        tokens.UseUser(context.User);
        return Downloads.File(await events.ExportVenuePlanAsync(id, cancellationToken), "application/json", $"venue-plan-{id}.json");
    }
}
