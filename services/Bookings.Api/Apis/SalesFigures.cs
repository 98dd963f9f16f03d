using System.Linq.Expressions;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Apis;

/// <summary>
/// The sums behind sales figures, added up by PostgreSQL: per event its totals, its ticket types, its refunds per currency and
/// its sales per hour. A few rows per event come back however many bookings it has; its bookings and payments are never loaded.
/// </summary>
public sealed class SalesFigures
{
    private sealed record EventTotals(Guid EventId, string? Title, string? Currency, int TicketsSold, int ConfirmedBookings, decimal ConfirmedAmount);

    private sealed record TypeTotals(Guid EventId, Guid? TicketTypeId, string Name, int TicketsSold, decimal Gross, decimal Discount);

    /// <summary>An event's refunded payments in one currency: how many, what went back, and what the organizer kept.</summary>
    public sealed record RefundTotals(Guid EventId, string Currency, int Count, decimal Refunded, decimal Kept);

    /// <summary>An event's confirmed bookings in one hour (UTC) of their confirmation.</summary>
    public sealed record HourTotals(Guid EventId, DateTimeOffset Hour, int TicketsSold, decimal Revenue);

    private readonly Dictionary<Guid, EventTotals> _totals;
    private readonly ILookup<Guid, TypeTotals> _types;
    private readonly ILookup<Guid, RefundTotals> _refunds;
    private readonly ILookup<Guid, HourTotals> _hours;
    private readonly Dictionary<Guid, int> _checkedIn;

    private SalesFigures(List<EventTotals> totals, List<TypeTotals> types, List<RefundTotals> refunds, List<HourTotals> hours, Dictionary<Guid, int> checkedIn)
    {
        _totals = totals.ToDictionary(t => t.EventId);
        _types = types.ToLookup(t => t.EventId);
        (Refunds, _refunds) = (refunds, refunds.ToLookup(r => r.EventId));
        (Hours, _hours) = (hours, hours.ToLookup(h => h.EventId));
        _checkedIn = checkedIn;
    }

    /// <summary>The events with at least one booking (whatever its state) in the scope read.</summary>
    public IEnumerable<Guid> EventIds => _totals.Keys;

    public IReadOnlyList<RefundTotals> Refunds { get; }

    public IReadOnlyList<HourTotals> Hours { get; }

    /// <summary>The figures of the events of the bookings matching <paramref name="scope"/> (one event's, or an organizer's).</summary>
    public static async Task<SalesFigures> ReadAsync(BookingsDbContext db, Expression<Func<Booking, bool>> scope, CancellationToken cancellationToken)
    {
        var bookings = db.Bookings.AsNoTracking().Where(scope);
        var totals = await bookings.GroupBy(b => b.EventId)
            .Select(g => new EventTotals(
                g.Key,
                g.Max(b => b.EventTitle),
                g.Max(b => b.Currency),
                g.Sum(b => b.Status == BookingStatus.Confirmed ? b.Quantity : 0),
                g.Count(b => b.Status == BookingStatus.Confirmed),
                g.Sum(b => b.Status == BookingStatus.Confirmed ? b.Amount : 0m)))
            .ToListAsync(cancellationToken);
        var eventIds = totals.Select(t => t.EventId).ToList();

        var confirmed = bookings.Where(b => b.Status == BookingStatus.Confirmed);
        // A ticket type that events-api no longer knows (no id) is told apart by its name.
        var types = await confirmed
            .SelectMany(b => b.Lines, (b, l) => new { b.EventId, l.TicketTypeId, l.TicketTypeName, l.Quantity, l.UnitPrice, l.Discount })
            .GroupBy(l => new { l.EventId, l.TicketTypeId, Name = l.TicketTypeId == null ? l.TicketTypeName : null })
            .Select(g => new TypeTotals(g.Key.EventId, g.Key.TicketTypeId, g.Max(l => l.TicketTypeName)!, g.Sum(l => l.Quantity),
                g.Sum(l => l.UnitPrice * l.Quantity), g.Sum(l => l.Discount)))
            .ToListAsync(cancellationToken);
        var hours = await confirmed.Where(b => b.ConfirmedAt != null)
            .GroupBy(b => new { b.EventId, b.ConfirmedAt!.Value.Year, b.ConfirmedAt.Value.Month, b.ConfirmedAt.Value.Day, b.ConfirmedAt.Value.Hour })
            .Select(g => new { g.Key, TicketsSold = g.Sum(b => b.Quantity), Revenue = g.Sum(b => b.Amount) })
            .ToListAsync(cancellationToken);
        var refunds = await db.Payments.AsNoTracking()
            .Where(p => eventIds.Contains(p.EventId) && p.Status == PaymentStatus.Refunded)
            .GroupBy(p => new { p.EventId, p.Currency })
            .Select(g => new RefundTotals(g.Key.EventId, g.Key.Currency, g.Count(), g.Sum(p => p.RefundedAmount), g.Sum(p => p.Amount - p.RefundedAmount)))
            .ToListAsync(cancellationToken);
        // Per event: its valid tickets let in at the door so far.
        var checkedIn = await db.Tickets.AsNoTracking()
            .Where(t => eventIds.Contains(t.EventId) && t.Status == TicketStatus.Valid && t.CheckedInAt != null)
            .GroupBy(t => t.EventId)
            .Select(g => new { EventId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.EventId, x => x.Count, cancellationToken);

        return new SalesFigures(
            totals,
            types,
            refunds,
            [.. hours.Select(h => new HourTotals(h.Key.EventId, new DateTimeOffset(h.Key.Year, h.Key.Month, h.Key.Day, h.Key.Hour, 0, 0, TimeSpan.Zero), h.TicketsSold, h.Revenue))],
            checkedIn);
    }

    /// <summary>
    /// One event's figures; <paramref name="info"/> is events-api's view of it (null when it no longer knows it: the title and
    /// currency are then the bookings'). Revenue is what stays with the organizer: confirmed bookings plus what was kept of partial refunds.
    /// </summary>
    public EventSales Of(Guid eventId, EventInfo? info, string bucket)
    {
        var totals = _totals.GetValueOrDefault(eventId) ?? new EventTotals(eventId, null, null, 0, 0, 0m);
        var refunds = _refunds[eventId];
        var capacity = info?.Capacity;
        return new EventSales(
            eventId,
            info?.Title ?? totals.Title ?? "",
            info?.Currency ?? totals.Currency ?? "",
            totals.TicketsSold,
            totals.ConfirmedBookings,
            totals.ConfirmedAmount + refunds.Sum(r => r.Kept),
            refunds.Sum(r => r.Count),
            refunds.Sum(r => r.Refunded),
            capacity,
            capacity is > 0 ? Math.Round((double)totals.TicketsSold / capacity.Value, 4) : null,
            bucket,
            Series(_hours[eventId], bucket),
            _checkedIn.GetValueOrDefault(eventId),
            [.. _types[eventId]
                .Select(t => new TicketTypeSales(t.TicketTypeId, t.Name, t.TicketsSold, t.Gross - t.Discount, t.Discount))
                .OrderByDescending(t => t.TicketsSold).ThenBy(t => t.Name, StringComparer.Ordinal)]);
    }

    /// <summary>Sales per hour or per day (UTC), oldest first.</summary>
    public static List<SalesPoint> Series(IEnumerable<HourTotals> hours, string bucket) =>
        [.. hours.GroupBy(h => bucket == "hour" ? h.Hour : new DateTimeOffset(h.Hour.Date, TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .Select(g => new SalesPoint(g.Key, g.Sum(h => h.TicketsSold), g.Sum(h => h.Revenue)))];
}
