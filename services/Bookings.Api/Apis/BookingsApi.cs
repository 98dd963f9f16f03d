using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Bookings.Api.Infrastructure;

namespace Bookings.Api.Apis;

public static class BookingsApi
{
    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").WithTags("Bookings.Api");
        api.MapGet("/stats", GetStats).WithName("GetBookingsStats").WithSummary("Counts the rows of the service's store.");
        return app;
    }

    public static async Task<Ok<StoreStats>> GetStats(BookingsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new StoreStats(await db.Bookings.LongCountAsync(cancellationToken)));
}

public sealed record StoreStats(long Count);
