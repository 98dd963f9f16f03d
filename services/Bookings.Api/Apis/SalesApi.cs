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

        var bookings = await services.Db.Bookings.AsNoTracking().Where(b => b.EventId == id).ToListAsync(cancellationToken);
        var payments = await services.Db.Payments.AsNoTracking().Where(p => p.EventId == id).ToListAsync(cancellationToken);
        var checkedIn = await CheckedInAsync(services.Db, [id], cancellationToken);
        return TypedResults.Ok(Summarize(id, info, bookings, payments, checkedIn.GetValueOrDefault(id), bucket));
    }

    public static async Task<Results<Ok<OrganizerSales>, ValidationProblem>> GetMySales(
        [AsParameters] SalesServices services, string? interval, CancellationToken cancellationToken)
    {
        if (!TryInterval(interval, out var bucket))
        {
            return Problems.Validation("interval", "interval is hour or day.");
        }

        var me = services.User.UserId()!.Value;
        var bookings = await services.Db.Bookings.AsNoTracking().Where(b => b.OrganizerId == me).ToListAsync(cancellationToken);
        var eventIds = bookings.Select(b => b.EventId).Distinct().ToList();
        var payments = await services.Db.Payments.AsNoTracking().Where(p => eventIds.Contains(p.EventId)).ToListAsync(cancellationToken);
        var checkedIn = await CheckedInAsync(services.Db, eventIds, cancellationToken);
        var events = new List<EventSales>();
        foreach (var eventId in eventIds)
        {
            var info = await services.Inventory.GetEventAsync(eventId, cancellationToken);
            events.Add(Summarize(eventId, info.Value, bookings.Where(b => b.EventId == eventId).ToList(),
                payments.Where(p => p.EventId == eventId).ToList(), checkedIn.GetValueOrDefault(eventId), bucket));
        }

        var refunded = payments.Where(p => p.Status == PaymentStatus.Refunded).ToList();
        return TypedResults.Ok(new OrganizerSales(
            me,
            events.Sum(e => e.TicketsSold),
            events.GroupBy(e => e.Currency).Select(g => new MoneyTotal(g.Sum(e => e.Revenue), g.Key)).ToList(),
            refunded.GroupBy(p => p.Currency).Select(g => new MoneyTotal(g.Sum(p => p.RefundedAmount), g.Key)).ToList(),
            refunded.Count,
            bucket,
            Series(bookings.Where(b => b.Status == BookingStatus.Confirmed).ToList(), bucket),
            events));
    }

    /// <summary>Per event: its valid tickets let in at the door so far.</summary>
    private static Task<Dictionary<Guid, int>> CheckedInAsync(BookingsDbContext db, List<Guid> eventIds, CancellationToken cancellationToken) =>
        db.Tickets.AsNoTracking()
            .Where(t => eventIds.Contains(t.EventId) && t.Status == TicketStatus.Valid && t.CheckedInAt != null)
            .GroupBy(t => t.EventId)
            .Select(g => new { EventId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.EventId, x => x.Count, cancellationToken);

    private static EventSales Summarize(Guid eventId, EventInfo? info, List<Booking> bookings, List<Payment> payments, int checkedIn, string bucket)
    {
        var confirmed = bookings.Where(b => b.Status == BookingStatus.Confirmed).ToList();
        var sold = confirmed.Sum(b => b.Quantity);
        var refunded = payments.Where(p => p.Status == PaymentStatus.Refunded).ToList();
        // Revenue is what stays with the organizer: confirmed bookings plus what was kept of partial refunds.
        var revenue = confirmed.Sum(b => b.Amount) + refunded.Sum(p => p.Amount - p.RefundedAmount);
        var capacity = info?.Capacity;
        return new EventSales(
            eventId,
            info?.Title ?? bookings.FirstOrDefault()?.EventTitle ?? "",
            info?.Currency ?? bookings.FirstOrDefault()?.Currency ?? "",
            sold,
            confirmed.Count,
            revenue,
            refunded.Count,
            refunded.Sum(p => p.RefundedAmount),
            capacity,
            capacity is > 0 ? Math.Round((double)sold / capacity.Value, 4) : null,
            bucket,
            Series(confirmed, bucket),
            checkedIn,
            ByTicketType(confirmed));
    }

    private static List<TicketTypeSales> ByTicketType(List<Booking> confirmed) =>
        confirmed.SelectMany(b => b.Lines)
            .GroupBy(l => (l.TicketTypeId, l.TicketTypeId is null ? l.TicketTypeName : null))
            .Select(g => new TicketTypeSales(g.Key.TicketTypeId, g.Last().TicketTypeName, g.Sum(l => l.Quantity), g.Sum(l => l.Gross - l.Discount), g.Sum(l => l.Discount)))
            .OrderByDescending(t => t.TicketsSold).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

    private static List<SalesPoint> Series(List<Booking> confirmed, string bucket) =>
        confirmed.Where(b => b.ConfirmedAt is not null)
            .GroupBy(b => Truncate(b.ConfirmedAt!.Value, bucket))
            .OrderBy(g => g.Key)
            .Select(g => new SalesPoint(g.Key, g.Sum(b => b.Quantity), g.Sum(b => b.Amount)))
            .ToList();

    private static DateTimeOffset Truncate(DateTimeOffset at, string bucket)
    {
        var utc = at.ToUniversalTime();
        return bucket == "hour"
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
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
