using System.Security.Claims;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Events.Api.Apis;

public sealed record AnalyticsServices(ICatalogStore Catalog, IAnalyticsStore Analytics, TimeProvider Time);

/// <summary>Event analytics for its organizer or an admin, and each person's own activity (docs/contracts.md "Analytics").</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events/{id}/analytics", GetEventAnalytics).WithTags("Analytics").WithName("GetEventAnalytics")
            .WithSummary("An event's views, unique visitors, search impressions, holds, purchases, cancellations, revenue and funnel, with a time series.")
            .WithDescription("Its organizer or an admin. `to` defaults to now, `from` to 30 days earlier or the event's creation if later; " +
                "`bucket` is `hour` or `day` (default: hours " +
                "for up to 3 days, else days; at most 1,100 points). Every bucket of the period is in `series`, empty ones included. " +
                "`droppedSignals` counts views, impressions and searches of the event lost on the way (all time): the figures are at " +
                "least what they say. Holds are the inventory's own; purchases and cancellations come from bookings-api's events.")
            .Refuses(StatusCodes.Status403Forbidden, "forbidden")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .RequireAuthorization(Policies.Organizer).AllowApiToken(ApiTokenScopes.EventsRead, eventRouteValue: "id");
        app.MapGet("/api/me/activity", GetMyActivity).WithTags("Analytics").WithName("GetMyActivity")
            .WithSummary("The caller's own activity: events viewed, searches, purchases and cancellations, newest first.")
            .WithDescription("Only the caller's: nobody else's activity is reachable here. Pages of 20 by default.")
            .RequireAuthorization(Policies.User);
        app.MapGet("/api/users/{userId}/activity", GetUserActivity).WithTags("Analytics").WithName("GetUserActivity")
            .WithSummary("One person's activity (admins only).")
            .WithDescription("The same page as `/api/me/activity`, for any user id (an unknown one has an empty page).")
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    public static async Task<Results<Ok<EventAnalyticsResponse>, ValidationProblem, ProblemHttpResult>> GetEventAnalytics(
        Guid id, DateTimeOffset? from, DateTimeOffset? to, string? bucket, ClaimsPrincipal user, [AsParameters] AnalyticsServices services,
        CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var (window, errors) = AnalyticsWindow.Parse(from, to, bucket, now);
        if (window is null)
        {
            return Problems.Validation(errors);
        }

        var item = await services.Catalog.GetAsync(id, cancellationToken);
        if (item is null)
        {
            return Problems.For(EventErrors.NotFound);
        }

        if (!item.Event.CanBeChangedBy(user.UserId(), user.IsAdmin()))
        {
            return Problems.For(AnalyticsErrors.NotYours);
        }

        // Without a start, the report starts when the event was created, if that is less than 30 days ago.
        window = AnalyticsWindow.Parse(from, to, bucket, now, item.Event.CreatedAt).Window ?? window;
        var data = await services.Analytics.GetEventAnalyticsAsync(id, window, cancellationToken);
        return TypedResults.Ok(EventAnalyticsResponse.Of(item.Event, window, data));
    }

    public static Task<Results<Ok<Paged<ActivityResponse>>, ValidationProblem>> GetMyActivity(
        ClaimsPrincipal user, [AsParameters] PageQuery paging, [AsParameters] AnalyticsServices services, CancellationToken cancellationToken) =>
        ActivityAsync(user.UserId()!.Value, paging, services, cancellationToken);

    public static Task<Results<Ok<Paged<ActivityResponse>>, ValidationProblem>> GetUserActivity(
        Guid userId, [AsParameters] PageQuery paging, [AsParameters] AnalyticsServices services, CancellationToken cancellationToken) =>
        ActivityAsync(userId, paging, services, cancellationToken);

    private static async Task<Results<Ok<Paged<ActivityResponse>>, ValidationProblem>> ActivityAsync(
        Guid userId, PageQuery paging, AnalyticsServices services, CancellationToken cancellationToken)
    {
        if (paging.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var page = await services.Analytics.GetUserActivityAsync(userId, paging, cancellationToken);
        var titles = new Dictionary<Guid, string?>();
        foreach (var eventId in page.Items.Where(s => s.EventId is not null).Select(s => s.EventId!.Value).Distinct())
        {
            titles[eventId] = (await services.Catalog.GetAsync(eventId, cancellationToken))?.Event.Title;
        }

        return TypedResults.Ok(page.Select(s => ActivityResponse.From(s, s.EventId is { } e ? titles.GetValueOrDefault(e) : null)));
    }
}

public static class AnalyticsErrors
{
    public static Error NotYours { get; } = Error.Forbidden("Only the event's organizer or an admin may read its analytics.");
}

/// <summary>One bucket of an event's time series (<c>start</c> in UTC; revenue and refunds in the event's currency).</summary>
public sealed record AnalyticsPoint(
    DateTimeOffset Start, long Views, long Impressions, long Holds, long Purchases, long TicketsSold, long Cancellations, decimal Revenue, decimal Refunds);

/// <summary>The conversion funnel: views → holds (bookings started) → purchases (bookings paid); rates 0–1, null when undefined.</summary>
public sealed record FunnelResponse(long Views, long Holds, long Purchases, double? ViewToHold, double? HoldToPurchase, double? Conversion)
{
    public static FunnelResponse From(Funnel f) => new(f.Views, f.Holds, f.Purchases, f.ViewToHold, f.HoldToPurchase, f.Conversion);
}

/// <summary>An event's analytics over <c>[from, to)</c>.</summary>
public sealed record EventAnalyticsResponse(
    Guid EventId, string EventTitle, DateTimeOffset From, DateTimeOffset To, string Bucket, string Currency,
    long Views, long UniqueVisitors, long SearchImpressions, long Holds, long HeldSeats, long Purchases, long TicketsSold,
    long Cancellations, long TicketsCancelled, decimal Revenue, decimal Refunds, decimal NetRevenue, FunnelResponse Funnel,
    long DroppedSignals, IReadOnlyList<AnalyticsPoint> Series)
{
    public static EventAnalyticsResponse Of(CatalogEvent e, AnalyticsWindow window, EventAnalyticsData data)
    {
        var signals = data.Signals.ToLookup(s => (s.Kind, s.Start));
        var holds = data.Holds.ToDictionary(h => h.Start);
        long Sum(SignalKind kind, Func<SignalBucket, long> value) => data.Signals.Where(s => s.Kind == kind).Sum(value);
        decimal Money(SignalKind kind) => data.Signals.Where(s => s.Kind == kind).Sum(s => s.Amount);
        SignalBucket? At(SignalKind kind, DateTimeOffset start) => signals[(kind, start)].FirstOrDefault();

        var series = window.BucketStarts().Select(start => new AnalyticsPoint(start,
            At(SignalKind.View, start)?.Count ?? 0,
            At(SignalKind.Impression, start)?.Quantity ?? 0,
            holds.GetValueOrDefault(start)?.Holds ?? 0,
            At(SignalKind.Purchase, start)?.Count ?? 0,
            At(SignalKind.Purchase, start)?.Quantity ?? 0,
            At(SignalKind.Cancellation, start)?.Count ?? 0,
            At(SignalKind.Purchase, start)?.Amount ?? 0m,
            At(SignalKind.Cancellation, start)?.Amount ?? 0m)).ToList();
        var views = Sum(SignalKind.View, s => s.Count);
        var holdCount = data.Holds.Sum(h => h.Holds);
        var purchases = Sum(SignalKind.Purchase, s => s.Count);
        var revenue = Money(SignalKind.Purchase);
        var refunds = Money(SignalKind.Cancellation);
        return new(e.Id, e.Title, window.From, window.To, window.Bucket == AnalyticsBucket.Hour ? "hour" : "day", e.Currency,
            views, data.UniqueVisitors, Sum(SignalKind.Impression, s => s.Quantity),
            holdCount, data.Holds.Sum(h => h.Seats), purchases, Sum(SignalKind.Purchase, s => s.Quantity),
            Sum(SignalKind.Cancellation, s => s.Count), Sum(SignalKind.Cancellation, s => s.Quantity), revenue, refunds, revenue - refunds,
            FunnelResponse.From(new Funnel(views, holdCount, purchases)), data.DroppedSignals, series);
    }
}

/// <summary>One thing a person did: <c>kind</c> is <c>view</c>, <c>search</c>, <c>purchase</c> or <c>cancellation</c>.</summary>
public sealed record ActivityResponse(
    string Kind, Guid? EventId, string? EventTitle, DateTimeOffset OccurredAt, int? Quantity, decimal? Amount, string? Currency, string? Query, int? Results)
{
    public static ActivityResponse From(Signal s, string? eventTitle) => new(
        s.Kind switch
        {
            SignalKind.View => "view",
            SignalKind.Search => "search",
            SignalKind.Purchase => "purchase",
            SignalKind.Cancellation => "cancellation",
            _ => "impression",
        },
        s.EventId, eventTitle, s.OccurredAt, s.Kind is SignalKind.Purchase or SignalKind.Cancellation ? s.Quantity : null, s.Amount, s.Currency,
        s.Query, s.Results);
}
