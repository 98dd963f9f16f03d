using System.Security.Claims;
using Events.Api.Seating;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record VenuePlanServices(IServiceProvider Services, TimeProvider Time)
{
    /// <summary>The store, or null in the MongoDB configuration (no seating there).</summary>
    public SeatingStore? Store => Services.GetService<SeatingStore>();
}

/// <summary>
/// Venue plans (docs/seating.md): an organizer's reusable seating plans, built by importing their JSON document or by generating
/// areas (rows × seats, straight, curved or staggered) and editing single seats. Another organizer's plan is not found; admins see all.
/// </summary>
public static class VenuePlansApi
{
    public static IEndpointRouteBuilder MapVenuePlansApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/venue-plans").WithTags("Venue plans").RequireAuthorization(Policies.Organizer);
        api.MapPost("/", CreateVenuePlan).WithName("CreateVenuePlan").WithSummary("Creates a plan from its JSON document (or an empty one: a name only).")
            .WithDescription("The document of docs/venue-plan.schema.json: `name`, `categories` (price zones), `areas` (`Reserved` with `seats`, " +
                "`GeneralAdmission` with `capacity`). Every error is listed by field (`areas[0].seats[3].category`); at most 20,000 seats.")
            .WithRequestExample(Example)
            .WithRequestSizeLimit(PlanRules.MaxDocumentBytes)
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapGet("/", ListVenuePlans).WithName("ListVenuePlans").WithSummary("My plans (an admin: every plan), latest change first, without their seats.")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapGet("/{planId}", GetVenuePlan).WithName("GetVenuePlan").WithSummary("A plan with its document.")
            .Refuses(StatusCodes.Status404NotFound, "venue-plan-not-found")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapPut("/{planId}", ReplaceVenuePlan).WithName("ReplaceVenuePlan").WithSummary("Replaces a plan by importing its JSON document.")
            .WithDescription("Validated in full first: a bad document changes nothing. Events already on the plan keep their own copy of the seats.")
            .WithRequestExample(Example)
            .WithRequestSizeLimit(PlanRules.MaxDocumentBytes)
            .Refuses(StatusCodes.Status404NotFound, "venue-plan-not-found")
            .Refuses(StatusCodes.Status409Conflict, "concurrent-update")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapGet("/{planId}/export", ExportVenuePlan).WithName("ExportVenuePlan").WithSummary("The plan's JSON document, every member written.")
            .WithDescription("Importing it again (create or replace) gives the same plan.")
            .Refuses(StatusCodes.Status404NotFound, "venue-plan-not-found")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapPost("/{planId}/areas", GenerateArea).WithName("GenerateVenuePlanArea").WithSummary("Adds an area: rows × seats generated, or a standing area.")
            .WithDescription("`Reserved` (default): `rows` × `seatsPerRow` seats of `category`, rows labelled from `firstRow` (A, B … Z, AA or 1, 2 …), " +
                "numbered from `firstNumber` `LeftToRight` or `RightToLeft`, laid out `Straight`, `Curved` (arcs spanning `arcDegrees` in front) or " +
                "`Staggered` (every second row shifted half a seat), ranked from `rankStart` (default: after the plan's worst) with the centre " +
                "of the row a third of the way back best. `GeneralAdmission`: a `capacity`. Seat ids are `{area}-{row}-{number}`.")
            .WithRequestExample(new GenerateAreaRequest("stalls", "Stalls", "Reserved", 10, 20, "A", 1, nameof(SeatNumbering.LeftToRight), nameof(RowLayout.Curved),
                "stalls-a", null, 0, 0, 10, 12, 60, null))
            .Refuses(StatusCodes.Status404NotFound, "venue-plan-not-found")
            .Refuses(StatusCodes.Status409Conflict, "concurrent-update")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapPatch("/{planId}/seats", EditSeats).WithName("EditVenuePlanSeats").WithSummary("Edits single seats, all or none.")
            .WithDescription("Each edit names a `seatId` and changes what it gives: `present` (false: a gap), `row`, `number`, `category`, `rank`, " +
                "`wheelchair`, `companion`, `restrictedView`. At most 5,000 edits; row + number stay unique in an area.")
            .WithRequestExample(new SeatEditsRequest([new SeatEdit("stalls-A-1", false, null, null, null, null, null, null, null),
                new SeatEdit("stalls-A-2", null, null, null, "stalls-b", 40, true, null, null)]))
            .WithRequestSizeLimit(1024 * 1024)
            .Refuses(StatusCodes.Status404NotFound, "venue-plan-not-found")
            .Refuses(StatusCodes.Status409Conflict, "concurrent-update")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        api.MapDelete("/{planId}", DeleteVenuePlan).WithName("DeleteVenuePlan").WithSummary("Removes a plan no event is on.")
            .Refuses(StatusCodes.Status404NotFound, "venue-plan-not-found")
            .Refuses(StatusCodes.Status409Conflict, "plan-in-use")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "seating-unavailable");
        return app;
    }

    private static readonly PlanDocument Example = new(1, "Harbour Hall",
        [new PlanCategoryDocument("stalls-a", "Stalls A", "#b22222"), new PlanCategoryDocument("stalls-b", "Stalls B", "#1e90ff")],
        [
            new PlanAreaDocument("stalls", "Stalls", "Reserved", null,
                [new PlanSeatDocument("stalls-A-1", "A", "1", 0, 0, "stalls-a", 2), new PlanSeatDocument("stalls-A-2", "A", "2", 10, 0, "stalls-a", 1, Wheelchair: true)]),
            new PlanAreaDocument("standing", "Standing", "GeneralAdmission", 300, null),
        ]);

    public static async Task<Results<Created<VenuePlanResponse>, ValidationProblem, ProblemHttpResult>> CreateVenuePlan(
        PlanDocument? document, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken)
    {
        var (content, errors) = PlanRules.Validate(document);
        if (content is null)
        {
            return Problems.Validation(errors);
        }

        if (services.Store is not { } store)
        {
            return Problems.For(SeatingErrors.Unavailable);
        }

        var now = services.Time.GetUtcNow();
        var plan = new VenuePlan(Guid.CreateVersion7(), user.UserId()!.Value, content, 1, now, now);
        await store.CreatePlanAsync(plan, cancellationToken);
        return TypedResults.Created($"/api/venue-plans/{plan.Id}", VenuePlanResponse.From(plan));
    }

    public static async Task<Results<Ok<Paged<VenuePlanSummary>>, ValidationProblem, ProblemHttpResult>> ListVenuePlans(
        [AsParameters] PageQuery page, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken)
    {
        if (page.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        if (services.Store is not { } store)
        {
            return Problems.For(SeatingErrors.Unavailable);
        }

        return TypedResults.Ok(await store.ListPlansAsync(user.IsAdmin() ? null : user.UserId(), page, cancellationToken));
    }

    public static async Task<Results<Ok<VenuePlanResponse>, ProblemHttpResult>> GetVenuePlan(
        Guid planId, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken)
    {
        var (plan, refusal) = await OwnedPlanAsync(planId, user, services, cancellationToken);
        return plan is null ? refusal! : TypedResults.Ok(VenuePlanResponse.From(plan));
    }

    public static async Task<Results<Ok<PlanDocument>, ProblemHttpResult>> ExportVenuePlan(
        Guid planId, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken)
    {
        var (plan, refusal) = await OwnedPlanAsync(planId, user, services, cancellationToken);
        return plan is null ? refusal! : TypedResults.Ok(PlanDocument.From(plan.Content));
    }

    public static Task<Results<Ok<VenuePlanResponse>, ValidationProblem, ProblemHttpResult>> ReplaceVenuePlan(
        Guid planId, PlanDocument? document, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken) =>
        ChangeAsync(planId, user, services, _ => PlanRules.Validate(document), cancellationToken);

    public static Task<Results<Ok<VenuePlanResponse>, ValidationProblem, ProblemHttpResult>> GenerateArea(
        Guid planId, GenerateAreaRequest? request, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken) =>
        ChangeAsync(planId, user, services, content => PlanEditing.AddArea(content, request), cancellationToken);

    public static Task<Results<Ok<VenuePlanResponse>, ValidationProblem, ProblemHttpResult>> EditSeats(
        Guid planId, SeatEditsRequest? request, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken) =>
        ChangeAsync(planId, user, services, content => PlanEditing.ApplyEdits(content, request), cancellationToken);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteVenuePlan(
        Guid planId, ClaimsPrincipal user, [AsParameters] VenuePlanServices services, CancellationToken cancellationToken)
    {
        var (plan, refusal) = await OwnedPlanAsync(planId, user, services, cancellationToken);
        if (plan is null)
        {
            return refusal!;
        }

        return await services.Store!.DeletePlanAsync(planId, cancellationToken) ? TypedResults.NoContent() : Problems.For(SeatingErrors.PlanInUse);
    }

    /// <summary>Loads the caller's plan, asks the model for its new content (or field errors), saves it if nobody saved meanwhile.</summary>
    private static async Task<Results<Ok<VenuePlanResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(Guid planId, ClaimsPrincipal user,
        VenuePlanServices services, Func<PlanContent, (PlanContent? Content, Dictionary<string, string[]> Errors)> change,
        CancellationToken cancellationToken)
    {
        var (plan, refusal) = await OwnedPlanAsync(planId, user, services, cancellationToken);
        if (plan is null)
        {
            return refusal!;
        }

        var (content, errors) = change(plan.Content);
        if (content is null)
        {
            return Problems.Validation(errors);
        }

        var changed = plan with { Content = content, Version = plan.Version + 1, UpdatedAt = services.Time.GetUtcNow() };
        return await services.Store!.SavePlanAsync(changed, plan.Version, cancellationToken)
            ? TypedResults.Ok(VenuePlanResponse.From(changed))
            : Problems.For(SeatingErrors.PlanChangedMeanwhile);
    }

    /// <summary>The plan when the caller owns it (or is an admin); else the refusal: someone else's is not found, as an unknown one.</summary>
    private static async Task<(VenuePlan? Plan, ProblemHttpResult? Refusal)> OwnedPlanAsync(Guid planId, ClaimsPrincipal user,
        VenuePlanServices services, CancellationToken cancellationToken)
    {
        if (services.Store is not { } store)
        {
            return (null, Problems.For(SeatingErrors.Unavailable));
        }

        var plan = await store.GetPlanAsync(planId, cancellationToken);
        return plan is not null && plan.CanBeChangedBy(user.UserId(), user.IsAdmin()) ? (plan, null) : (null, Problems.For(SeatingErrors.PlanNotFound));
    }
}

/// <summary>A plan: who owns it, its version (+1 per change), its size, and its document.</summary>
public sealed record VenuePlanResponse(Guid Id, Guid OrganizerId, string Name, int Version, int SeatCount, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, PlanDocument Plan)
{
    public static VenuePlanResponse From(VenuePlan plan) => new(plan.Id, plan.OrganizerId, plan.Content.Name, plan.Version,
        plan.Content.SeatCount, plan.CreatedAt, plan.UpdatedAt, PlanDocument.From(plan.Content));
}
