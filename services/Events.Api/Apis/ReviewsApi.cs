using System.Security.Claims;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record ReviewServices(ICatalogStore Catalog, IReviewStore Reviews, TimeProvider Time);

public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events/{id}/reviews", PostReview).WithTags("Reviews").WithName("PostReview")
            .WithSummary("Creates or edits the caller's review (1–5 stars): attendees with a confirmed booking, once the event has started.")
            .RequireAuthorization(Policies.User);
        app.MapGet("/api/events/{id}/reviews", GetEventReviews).WithTags("Reviews").WithName("GetEventReviews")
            .WithSummary("An event's reviews, newest first.");
        app.MapGet("/api/events/{id}/reviews/summary", GetReviewSummary).WithTags("Reviews").WithName("GetReviewSummary")
            .WithSummary("An event's average rating and number of reviews.");
        app.MapGet("/api/users/{userId}/reviews", GetUserReviews).WithTags("Reviews").WithName("GetUserReviews")
            .WithSummary("A user's reviews, newest first.");
        return app;
    }

    public static async Task<Results<Created<ReviewResponse>, Ok<ReviewResponse>, ValidationProblem, ProblemHttpResult>> PostReview(
        Guid id, ReviewRequest? request, ClaimsPrincipal user, [AsParameters] ReviewServices services, CancellationToken cancellationToken)
    {
        var errors = ReviewRules.Validate(request?.Rating ?? 0, request?.Text);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var item = await services.Catalog.GetAsync(id, cancellationToken);
        var now = services.Time.GetUtcNow();
        if (item is null)
        {
            return Problems.For(EventErrors.NotFound);
        }

        if (ReviewRules.Refusal(item.Event, now) is { } refusal)
        {
            return Problems.For(refusal);
        }

        var userId = user.UserId()!.Value;
        if (!await services.Reviews.HasConfirmedBookingAsync(id, userId, cancellationToken))
        {
            return Problems.For(ReviewErrors.NotAnAttendee);
        }

        var name = user.FindFirstValue(IdentityClaims.Name);
        var (review, created) = await services.Reviews.UpsertReviewAsync(id, userId, name is { Length: > 200 } ? name[..200] : name,
            request!.Rating!.Value, request.Text!.Trim(), now, cancellationToken);
        var response = ReviewResponse.From(review);
        return created ? TypedResults.Created($"/api/events/{id}/reviews", response) : TypedResults.Ok(response);
    }

    public static Task<Results<Ok<Paged<ReviewResponse>>, ValidationProblem>> GetEventReviews(
        Guid id, [AsParameters] PageQuery paging, [AsParameters] ReviewServices services, CancellationToken cancellationToken) =>
        PageAsync(paging, () => services.Reviews.GetEventReviewsAsync(id, paging, cancellationToken));

    public static async Task<Ok<ReviewSummaryResponse>> GetReviewSummary(
        Guid id, [AsParameters] ReviewServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(ReviewSummaryResponse.From(await services.Reviews.GetReviewStatsAsync(id, cancellationToken)));

    public static Task<Results<Ok<Paged<ReviewResponse>>, ValidationProblem>> GetUserReviews(
        Guid userId, [AsParameters] PageQuery paging, [AsParameters] ReviewServices services, CancellationToken cancellationToken) =>
        PageAsync(paging, () => services.Reviews.GetUserReviewsAsync(userId, paging, cancellationToken));

    /// <summary>A page of reviews read by <paramref name="read"/>, once <paramref name="paging"/> is valid.</summary>
    private static async Task<Results<Ok<Paged<ReviewResponse>>, ValidationProblem>> PageAsync(PageQuery paging, Func<Task<Paged<Review>>> read)
    {
        var errors = paging.Validate();
        return errors.Count > 0 ? Problems.Validation(errors) : TypedResults.Ok((await read()).Select(ReviewResponse.From));
    }
}
