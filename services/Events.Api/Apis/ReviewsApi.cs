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
            .WithDescription("`201` for a new review, `200` when the caller's review is replaced. Before the event starts, or without a " +
                "confirmed booking, the answer is `403 not-eligible`.")
            .WithRequestExample(new ReviewRequest(5, "A wonderful night."))
            .Refuses(StatusCodes.Status403Forbidden, "not-eligible", "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .RequireAuthorization(Policies.User);
        app.MapGet("/api/events/{id}/reviews", GetEventReviews).WithTags("Reviews").WithName("GetEventReviews")
            .WithSummary("An event's reviews, newest first.")
            .WithDescription("An unknown event has no reviews: an empty page.");
        app.MapGet("/api/events/{id}/reviews/summary", GetReviewSummary).WithTags("Reviews").WithName("GetReviewSummary")
            .WithSummary("An event's average rating and number of reviews.")
            .WithDescription("The average has two decimals and is null without reviews.");
        app.MapGet("/api/users/{userId}/reviews", GetUserReviews).WithTags("Reviews").WithName("GetUserReviews")
            .WithSummary("A user's reviews, newest first.")
            .WithDescription("Reviews are public: anyone may read anyone's.");
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
