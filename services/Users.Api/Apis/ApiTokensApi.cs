using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Users.Api.Infrastructure;
using Users.Api.Model;

namespace Users.Api.Apis;

public sealed record CreateApiTokenRequest(string? Name, IReadOnlyList<string?>? Scopes, Guid? EventId, DateTimeOffset? ExpiresAt);

/// <summary>An API token as its owner sees it in lists: never the secret, only its first characters (<paramref name="Hint"/>).</summary>
public sealed record ApiTokenDto(
    Guid Id, string Name, IReadOnlyList<string> Scopes, Guid? EventId, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Active)
{
    public static ApiTokenDto From(ApiToken token, DateTimeOffset now) => new(token.Id, token.Name, token.Scopes, token.EventId, token.Hint,
        token.CreatedAt, token.ExpiresAt, token.LastUsedAt, token.RevokedAt, token.IsActiveAt(now));
}

/// <summary>A new API token with its secret, shown this once.</summary>
public sealed record CreatedApiToken(ApiTokenDto Token, string Secret);

public sealed record IntrospectApiTokenRequest(string? Token);

/// <summary>
/// Organizers' API tokens: <c>/api/users/me/api-tokens</c> (created, listed and revoked only by their owner, signed in as a
/// person: an API token cannot manage tokens) and <c>/internal/api-tokens/introspect</c>, which the other services ask.
/// </summary>
public static class ApiTokensApi
{
    public static IEndpointRouteBuilder MapApiTokensApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users/me/api-tokens").WithTags("API tokens").RequireAuthorization(Policies.Organizer);
        api.MapPost("/", Create).WithName("CreateApiToken")
            .WithSummary("Creates an API token for an integration (organizers and admins); its secret is in this answer only.")
            .WithDescription("Scopes: `events:read`, `events:write`, `bookings:read`, `check-in`. An optional `eventId` limits the token to one " +
                "event (door staff); an optional `expiresAt` (at most a year ahead) ends it. Send the secret as `Authorization: Bearer ebk_…` " +
                "to the operations whose description says they accept API tokens; the others, and every account operation, refuse it. " +
                $"An account has at most {ApiToken.MaxActivePerUser} active tokens.")
            .WithRequestExample(new CreateApiTokenRequest("North gate scanner", [ApiTokenScopes.CheckIn], Guid.Parse("0195f7a2-6c1e-7d3a-9b1f-2a4c6e8f0a1b"), null))
            .Refuses(StatusCodes.Status409Conflict, "too-many-api-tokens");
        api.MapGet("/", List).WithName("ListApiTokens")
            .WithSummary("My API tokens, newest first, with their last use (revoked and expired ones included).");
        api.MapDelete("/{id}", Revoke).WithName("RevokeApiToken")
            .WithSummary("Revokes one of my API tokens: every service refuses it within a second.")
            .WithDescription("Revoking a revoked token changes nothing and answers `204` again.")
            .Refuses(StatusCodes.Status404NotFound, "api-token-not-found");

        app.MapGroup("/internal/api-tokens").WithTags("Internal").RequireAuthorization(Policies.Internal)
            .MapPost("/introspect", Introspect).WithName("IntrospectApiToken")
            .WithSummary("What an API token secret stands for (service identities only).")
            .WithDescription("`active: false` for an unknown, revoked or expired secret and for a disabled owner; else the owner, roles, scopes and event.")
            .WithRequestSizeLimit(4 * 1024);
        return app;
    }

    public static async Task<Results<Created<CreatedApiToken>, ValidationProblem, ProblemHttpResult>> Create(
        CreateApiTokenRequest request, ClaimsPrincipal principal, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var invalid = ApiToken.Validate(request.Name, request.Scopes, request.ExpiresAt, now);
        if (invalid.Count > 0)
        {
            return Problems.Validation(invalid);
        }

        var userId = principal.UserId()!.Value;
        var active = await db.ApiTokens.CountAsync(t => t.UserId == userId && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now), cancellationToken);
        if (active >= ApiToken.MaxActivePerUser)
        {
            return Problems.For(new Error("too-many-api-tokens", ErrorKind.Conflict,
                $"An account has at most {ApiToken.MaxActivePerUser} active API tokens; revoke one first."));
        }

        var (token, secret) = ApiToken.Create(userId, request.Name!, request.Scopes!.Select(s => s!), request.EventId, request.ExpiresAt, now);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/users/me/api-tokens/{token.Id}", new CreatedApiToken(ApiTokenDto.From(token, now), secret));
    }

    public static async Task<Ok<List<ApiTokenDto>>> List(ClaimsPrincipal principal, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(tokens.Select(t => ApiTokenDto.From(t, now)).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, ClaimsPrincipal principal, UsersDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId, cancellationToken);
        if (token is null)
        {
            return Problems.NotFound("api-token");
        }

        token.Revoke(time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ApiTokenIntrospection>> Introspect(IntrospectApiTokenRequest request, UsersDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (request.Token is not { } secret || !ApiTokenFormat.LooksLikeToken(secret))
        {
            return TypedResults.Ok(ApiTokenIntrospection.Inactive);
        }

        var hash = ApiTokenFormat.Hash(secret);
        var found = await db.ApiTokens.Where(t => t.SecretHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, u.Email, u.DisplayName, u.Roles, u.DisabledAt })
            .SingleOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (found is null || !found.Token.IsActiveAt(now) || found.DisabledAt is not null)
        {
            return TypedResults.Ok(ApiTokenIntrospection.Inactive);
        }

        if (found.Token.RecordUse(now))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        var token = found.Token;
        return TypedResults.Ok(new ApiTokenIntrospection(true, token.Id, token.UserId, found.Email, found.DisplayName, found.Roles, token.Scopes,
            token.EventId, token.ExpiresAt));
    }
}
