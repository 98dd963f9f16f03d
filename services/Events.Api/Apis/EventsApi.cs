using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Events.Api.Infrastructure;

namespace Events.Api.Apis;

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events").WithTags("Events.Api");
        api.MapGet("/stats", GetStats).WithName("GetEventsStats").WithSummary("Counts the rows of the service's store.");
        return app;
    }

    public static async Task<Ok<StoreStats>> GetStats(EventsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new StoreStats(await db.Events.LongCountAsync(cancellationToken)));
}

public sealed record StoreStats(long Count);
