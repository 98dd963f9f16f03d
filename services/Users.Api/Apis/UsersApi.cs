using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Users.Api.Infrastructure;

namespace Users.Api.Apis;

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Users.Api");
        api.MapGet("/stats", GetStats).WithName("GetUsersStats").WithSummary("Counts the rows of the service's store.");
        return app;
    }

    public static async Task<Ok<StoreStats>> GetStats(UsersDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(new StoreStats(await db.Users.LongCountAsync(cancellationToken)));
}

public sealed record StoreStats(long Count);
