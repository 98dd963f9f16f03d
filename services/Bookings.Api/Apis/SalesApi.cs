using System.Security.Claims;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Apis;

public sealed record SalesServices(BookingsDbContext Db, IInventoryClient Inventory, ClaimsPrincipal User);

/// <summary>Organizer views: an event's bookings and sales figures (its organizer or an admin only).</summary>
public static class SalesApi
{
    private const int EventInfoCallsAtOnce = 8;

    public static IEndpointRouteBuilder MapSalesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Sales").RequireAuthorization(Policies.Organizer);
        api.MapGet("/events/{id}/bookings", ListEventBookings).WithName("ListEventBookings")
            .WithSummary("The bookings of an event (its organizer or an admin).")
            .WithDescription("Newest first, pages of up to 50 by default, optionally one `status`. Another organizer's event is `403`.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .AllowApiToken(ApiTokenScopes.BookingsRead, eventRouteValue: "id");
        api.MapGet("/events/{id}/sales", GetEventSales).WithName("GetEventSales")
            .WithSummary("Tickets sold, revenue, refunds, occupancy and an hourly or daily series of an event.")
            .WithDescription("`interval` is `day` (default) or `hour`. Revenue is what stays with the organizer: confirmed bookings plus " +
                "what was kept of partial refunds. `ticketTypes` splits the confirmed seats and revenue per ticket type. Another organizer's event is `403`.")
            .Refuses(StatusCodes.Status404NotFound, "event-not-found")
            .AllowApiToken(ApiTokenScopes.EventsRead, eventRouteValue: "id");
        api.MapGet("/organizers/me/sales", GetMySales).WithName("GetMySales")
            .WithSummary("Sales figures over every event of the signed-in organizer.")
            .WithDescription("Totals per currency, one series over all events, and each event's figures.")
            .AllowApiToken(ApiTokenScopes.EventsRead);
        return app;
    }

    public static async Task<Results<Ok<Paged<BookingDto>>, ProblemHttpResult, ValidationProblem>> ListEventBookings(
        Guid id, [AsParameters] SalesServices services, string? status, [AsParameters] PageQuery page, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        var filter = BookingStatusFilter.Parse(status, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var (allowed, _, problem) = await AuthorizeEventAsync(id, services, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        var query = services.Db.Bookings.AsNoTracking().Where(b => b.EventId == id);
        if (filter is not null)
        {
            query = query.Where(b => b.Status == filter);
        }

        return TypedResults.Ok(await query.OrderByDescending(b => b.CreatedAt).ToPagedAsync(page, 50, BookingDto.From, cancellationToken));
    }

    public static async Task<Results<Ok<EventSales>, ProblemHttpResult, ValidationProblem>> GetEventSales(
        Guid id, [AsParameters] SalesServices services, string? interval, CancellationToken cancellationToken)
    {
        if (!TryInterval(interval, out var bucket))
        {
            return Problems.Validation("interval", "interval is hour or day.");
        }

        var (allowed, info, problem) = await AuthorizeEventAsync(id, services, cancellationToken);
        if (!allowed)
        {
            return problem!;
        }

        var figures = await SalesFigures.ReadAsync(services.Db, b => b.EventId == id, cancellationToken);
        return TypedResults.Ok(figures.Of(id, info, bucket));
    }

    public static async Task<Results<Ok<OrganizerSales>, ValidationProblem>> GetMySales(
        [AsParameters] SalesServices services, string? interval, CancellationToken cancellationToken)
    {
        if (!TryInterval(interval, out var bucket))
        {
            return Problems.Validation("interval", "interval is hour or day.");
        }

        var me = services.User.UserId()!.Value;
        var figures = await SalesFigures.ReadAsync(services.Db, b => b.OrganizerId == me, cancellationToken);
        // events-api's view of each event (title, capacity), a few at a time: one organizer's events are many calls.
        var eventIds = figures.EventIds.ToList();
        var infos = new EventInfo?[eventIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, eventIds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = EventInfoCallsAtOnce, CancellationToken = cancellationToken },
            async (i, ct) => infos[i] = (await services.Inventory.GetEventAsync(eventIds[i], ct)).Value);
        var events = eventIds.Select((eventId, i) => figures.Of(eventId, infos[i], bucket)).ToList();

        return TypedResults.Ok(new OrganizerSales(
            me,
            events.Sum(e => e.TicketsSold),
            events.GroupBy(e => e.Currency).Select(g => new MoneyTotal(g.Sum(e => e.Revenue), g.Key)).ToList(),
            figures.Refunds.GroupBy(r => r.Currency).Select(g => new MoneyTotal(g.Sum(r => r.Refunded), g.Key)).ToList(),
            figures.Refunds.Sum(r => r.Count),
            bucket,
            SalesFigures.Series(figures.Hours, bucket),
            events));
    }

    private static bool TryInterval(string? interval, out string bucket)
    {
        bucket = (interval ?? "day").ToLowerInvariant();
        return bucket is "hour" or "day";
    }

    private static Task<(bool Allowed, EventInfo? Info, ProblemHttpResult? Problem)> AuthorizeEventAsync(
        Guid eventId, SalesServices services, CancellationToken cancellationToken) =>
        EventAccess.AuthorizeAsync(eventId, services.Inventory, services.Db, services.User,
            "Only the event's organizer or an admin sees its bookings and sales.", cancellationToken);
}
