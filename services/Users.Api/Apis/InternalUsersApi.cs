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
        api.MapPost("/contacts", GetContacts).WithName("GetUserContacts")
            .WithSummary("Several users' contact details at once (service identities only).")
            .WithDescription($"For a batch of emails: one request instead of one per recipient. Up to {MaxContactsPerRequest} distinct ids; " +
                "the answer lists the users that exist, in no particular order (an unknown id is left out).")
            .WithRequestSizeLimit(64 * 1024);
        return app;
    }

    /// <summary>The most ids one <c>POST /internal/users/contacts</c> may ask for.</summary>
    public const int MaxContactsPerRequest = 500;

    public static async Task<Results<Ok<List<UserContact>>, ValidationProblem>> GetContacts(ContactsRequest request, UsersDbContext db,
        CancellationToken cancellationToken)
    {
        var ids = request.Ids?.Distinct().ToList();
        var errors = new FieldErrors()
            .Check("ids", ids switch
            {
                null or [] => "Give at least one user id.",
                { Count: > MaxContactsPerRequest } => $"At most {MaxContactsPerRequest} distinct ids per request.",
                _ => null,
            });
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var contacts = await db.Users.Where(u => ids!.Contains(u.Id))
            .Select(u => new UserContact(u.Id, u.Email, u.DisplayName, u.EmailNotifications, u.PreferredLanguage))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(contacts);
    }

    public static async Task<Results<Ok<UserContact>, ProblemHttpResult>> GetContact(Guid id, UsersDbContext db, CancellationToken cancellationToken)
    {
        var contact = await db.Users.Where(u => u.Id == id)
            .Select(u => new UserContact(u.Id, u.Email, u.DisplayName, u.EmailNotifications, u.PreferredLanguage))
            .SingleOrDefaultAsync(cancellationToken);
        return contact is null ? Problems.For(UserErrors.UserNotFound) : TypedResults.Ok(contact);
    }
}
