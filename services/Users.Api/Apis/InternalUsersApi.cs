using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Users.Api.Infrastructure;
using Users.Api.Model;

namespace Users.Api.Apis;

/// <summary>Endpoints for other services (service identities only): <c>/internal/users</c>.</summary>
public static class InternalUsersApi
{
    public static IEndpointRouteBuilder MapInternalUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/users").WithTags("Internal").RequireAuthorization(Policies.Internal);
        api.MapGet("/{id}", GetContact).WithName("GetUserContact")
            .WithSummary("A user's contact details and notification preference (service identities only).")
            .WithDescription("What notifications-api needs to write to a person: email, display name, language, email opt-out.")
            .Refuses(StatusCodes.Status404NotFound, "user-not-found");
        return app;
    }

    public static async Task<Results<Ok<UserContact>, ProblemHttpResult>> GetContact(Guid id, UsersDbContext db, CancellationToken cancellationToken)
    {
        var contact = await db.Users.Where(u => u.Id == id)
            .Select(u => new UserContact(u.Id, u.Email, u.DisplayName, u.EmailNotifications, u.PreferredLanguage))
            .SingleOrDefaultAsync(cancellationToken);
        return contact is null ? Problems.For(UserErrors.UserNotFound) : TypedResults.Ok(contact);
    }
}
