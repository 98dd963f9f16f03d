using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Notifications.Api.Infrastructure;

namespace Notifications.Api.Apis;

public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").WithTags("Notifications.Api");
        api.MapGet("/stats", GetStats).WithName("GetNotificationsStats").WithSummary("Counts the rows of the service's store.");
        return app;
    }

    public static async Task<Ok<StoreStats>> GetStats(NotificationsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new StoreStats(await db.Notifications.LongCountAsync(cancellationToken)));
}

public sealed record StoreStats(long Count);
