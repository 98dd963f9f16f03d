using System.Security.Claims;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record ReviewServices(IEventStore Store, TimeProvider Time);

public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events/{id}/reviews", PostReview).WithTags("Reviews").WithName("PostReview")
            .WithSummary("Creates or edits the caller's review (1–5 stars): attendees with a confirmed booking, once the event has started.")
            .RequireAuthorization(Policies.User);
        app.MapGet("/api/events/{id}/reviews", GetEventReviews).WithTags("Reviews").WithName("GetEventReviews")
            .WithSummary("An event's reviews, newest first, with the average rating and count.");
        app.MapGet("/api/users/{userId}/reviews", GetUserReviews).WithTags("Reviews").WithName("GetUserReviews")
            .WithSummary("A user's reviews, newest first.");
        return app;
    }

    public static async Task<Results<Created<ReviewResponse>, Ok<ReviewResponse>, ValidationProblem, ProblemHttpResult>> PostReview(
        string id, ReviewRequest? request, ClaimsPrincipal user, [AsParameters] ReviewServices services, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(id, "id", out var eventId, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        errors = ReviewRules.Validate(request?.Rating ?? 0, request?.Text);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var item = await services.Store.GetAsync(eventId, cancellationToken);
        var now = services.Time.GetUtcNow();
        if (item is null || item.Event.Status == EventStatus.Draft)
        {
            return EventsApi.NotFound("event");
        }

        var userId = user.UserId()!.Value;
        if (item.Event.StartsAt > now)
        {
            return TypedResults.Problem(type: ProblemTypes.NotEligible, title: "Reviews open once the event has started",
                statusCode: StatusCodes.Status403Forbidden);
        }

        if (!await services.Store.HasConfirmedBookingAsync(eventId, userId, cancellationToken))
        {
            return TypedResults.Problem(type: ProblemTypes.NotEligible, title: "Only attendees with a confirmed booking can review the event",
                statusCode: StatusCodes.Status403Forbidden);
        }

        var name = user.FindFirstValue(IdentityClaims.Name);
        var (review, created) = await services.Store.UpsertReviewAsync(eventId, userId, name is { Length: > 200 } ? name[..200] : name,
            request!.Rating!.Value, request.Text!.Trim(), now, cancellationToken);
        var response = ReviewResponse.From(review);
        return created ? TypedResults.Created($"/api/events/{eventId}/reviews", response) : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<EventReviewsResponse>, ValidationProblem>> GetEventReviews(
        string id, int? page, int? pageSize, [AsParameters] ReviewServices services, CancellationToken cancellationToken)
    {
        var errors = PagingErrors(page, pageSize);
        if (!Ids.TryParse(id, "id", out var eventId, out var idErrors))
        {
            errors = idErrors;
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (found, stats) = await services.Store.GetEventReviewsAsync(eventId, page ?? 1, pageSize ?? 20, cancellationToken);
        return TypedResults.Ok(new EventReviewsResponse(found.Items.Select(ReviewResponse.From).ToList(), found.Page, found.PageSize,
            found.TotalCount, stats.AverageRating, stats.Count));
    }

    public static async Task<Results<Ok<PagedResponse<ReviewResponse>>, ValidationProblem>> GetUserReviews(
        string userId, int? page, int? pageSize, [AsParameters] ReviewServices services, CancellationToken cancellationToken)
    {
        var errors = PagingErrors(page, pageSize);
        if (!Ids.TryParse(userId, "userId", out var user, out var idErrors))
        {
            errors = idErrors;
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var found = await services.Store.GetUserReviewsAsync(user, page ?? 1, pageSize ?? 20, cancellationToken);
        return TypedResults.Ok(new PagedResponse<ReviewResponse>(found.Items.Select(ReviewResponse.From).ToList(), found.Page, found.PageSize, found.TotalCount));
    }

    private static Dictionary<string, string[]> PagingErrors(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (InputRules.Page(page) is { } pageError) { errors["page"] = [pageError]; }
        if (pageSize is < 1 or > 100) { errors["pageSize"] = ["Between 1 and 100."]; }
        return errors;
    }
}
