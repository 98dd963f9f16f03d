using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.UseCases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Apis;

public sealed record ReconciliationServices(BookingsDbContext Db, IInventoryClient Inventory, TimeProvider Time);

/// <summary>Admins: checks the invariants across events-api and bookings-api and lists every discrepancy.</summary>
public static class ReconciliationApi
{
    public const int DefaultGraceSeconds = 60;
    public const int MaxGraceSeconds = 86_400;

    public static IEndpointRouteBuilder MapReconciliationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/reconciliation", Reconcile).WithTags("Admin").RequireAuthorization(Policies.AdminOrInternal)
            .WithName("Reconcile")
            .WithSummary("Checks I1/I2 and seat/ticket/payment conservation across events-api and bookings-api for one event or every booked event.")
            .WithDescription("Each discrepancy has a `kind` (`oversold`, `held-counter-mismatch`, `sold-seats-not-ticketed`, per ticket type " +
                "`type-oversold`, `type-counter-mismatch`, `type-sold-seats-not-ticketed`, …, see " +
                "docs/contracts.md); `graceSeconds` (default 60) spares bookings whose hold just expired. Nothing is changed.")
            .Refuses(StatusCodes.Status503ServiceUnavailable, "temporarily-unavailable", "inventory-unavailable");
        return app;
    }

    public static async Task<Results<Ok<ReconciliationReport>, ValidationProblem, ProblemHttpResult>> Reconcile(
        string? eventId, int? graceSeconds, [AsParameters] ReconciliationServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        Guid? onlyEvent = null;
        if (eventId is not null)
        {
            if (Guid.TryParse(eventId, out var parsed) && parsed != Guid.Empty)
            {
                onlyEvent = parsed;
            }
            else
            {
                errors["eventId"] = ["Not a valid id (expected a GUID)."];
            }
        }

        if (graceSeconds is < 0 or > MaxGraceSeconds)
        {
            errors["graceSeconds"] = [$"graceSeconds must be between 0 and {MaxGraceSeconds}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var grace = TimeSpan.FromSeconds(graceSeconds ?? DefaultGraceSeconds);
        var eventIds = onlyEvent is { } one
            ? [one]
            : await services.Db.Bookings.AsNoTracking().Select(b => b.EventId).Distinct().OrderBy(id => id).ToListAsync(cancellationToken);

        var events = new List<EventReconciliation>();
        var discrepancies = new List<Discrepancy>();
        foreach (var id in eventIds)
        {
            // events-api first, then bookings-api: a booking confirmed in between shows as sold seats not yet ticketed,
            // never the reverse (tickets without sold seats).
            var inventory = await services.Inventory.GetInventoryAsync(id, cancellationToken);
            if (inventory.IsUnavailable)
            {
                return Problems.For(BookingErrors.InventoryUnavailable("events-api could not be reached; nothing was checked. Try again."));
            }

            var bookings = await LoadFactsAsync(services.Db, id, cancellationToken);
            var (report, found) = Reconciliation.Check(id, inventory.Value, bookings, services.Time.GetUtcNow(), grace);
            events.Add(report);
            discrepancies.AddRange(found);
        }

        return TypedResults.Ok(new ReconciliationReport(services.Time.GetUtcNow(), (int)grace.TotalSeconds, events, discrepancies, discrepancies.Count == 0));
    }

    private static async Task<List<BookingFacts>> LoadFactsAsync(BookingsDbContext db, Guid eventId, CancellationToken cancellationToken)
    {
        var bookings = await db.Bookings.AsNoTracking().Where(b => b.EventId == eventId)
            .Select(b => new { b.Id, b.Status, b.Quantity, b.HoldExpiresAt }).ToListAsync(cancellationToken);
        var tickets = (await db.Tickets.AsNoTracking().Where(t => t.EventId == eventId && t.Status == TicketStatus.Valid)
            .GroupBy(t => new { t.BookingId, t.TicketTypeId }).Select(g => new { g.Key.BookingId, g.Key.TicketTypeId, Count = g.Count() })
            .ToListAsync(cancellationToken))
            .ToLookup(x => x.BookingId, x => new TypeTickets(x.TicketTypeId, x.Count));
        var seats = (await db.Tickets.AsNoTracking().Where(t => t.EventId == eventId && t.Status == TicketStatus.Valid && t.Seat != null)
            .Select(t => new { t.BookingId, t.Seat!.SeatId }).ToListAsync(cancellationToken))
            .ToLookup(x => x.BookingId, x => x.SeatId);
        var paid = (await db.Payments.AsNoTracking().Where(p => p.EventId == eventId && p.Status == PaymentStatus.Succeeded)
            .Select(p => p.BookingId).ToListAsync(cancellationToken)).ToHashSet();
        return bookings.Select(b => new BookingFacts(b.Id, b.Status, b.Quantity, b.HoldExpiresAt, tickets[b.Id].Sum(t => t.Tickets), paid.Contains(b.Id),
            [.. tickets[b.Id]], seats[b.Id].ToList() is { Count: > 0 } mine ? mine : null)).ToList();
    }
}
