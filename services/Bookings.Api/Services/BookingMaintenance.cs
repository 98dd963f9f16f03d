using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Services;

/// <summary>
/// The expiry sweeper and the payment reconciler, safe with several replicas: candidates are claimed with a short lease
/// taken by <c>FOR UPDATE SKIP LOCKED</c>, and each booking is then handled under its own lock.
/// </summary>
public sealed class BookingMaintenance(BookingsDbContext db, BookingService bookings, IOptions<BookingOptions> options, TimeProvider time)
{
    public const int BatchSize = 50;

    /// <summary>Expires the bookings whose hold ran out; returns how many it expired.</summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var leaseUntil = now + TimeSpan.FromMinutes(1);
        var candidates = await db.Database.SqlQuery<Guid>($"""
            UPDATE bookings SET "SweepLeaseUntil" = {leaseUntil}
            WHERE "Id" IN (
                SELECT b."Id" FROM bookings b
                WHERE b."Status" = 'PendingPayment' AND b."HoldExpiresAt" <= {now}
                  AND (b."SweepLeaseUntil" IS NULL OR b."SweepLeaseUntil" < {now})
                  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p."BookingId" = b."Id" AND p."Status" IN ('Pending', 'Succeeded'))
                ORDER BY b."HoldExpiresAt"
                LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING "Id" AS "Value"
            """).ToListAsync(cancellationToken);
        var expired = 0;
        foreach (var id in candidates)
        {
            db.ChangeTracker.Clear();
            if (await bookings.TryExpireAsync(id, cancellationToken))
            {
                expired++;
            }
        }

        return expired;
    }

    /// <summary>Settles payments with an unknown outcome and finishes paid bookings whose confirmation did not complete.</summary>
    public async Task<int> ReconcilePaymentsAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Value.ReconcileAfter;
        var candidates = await db.Payments.AsNoTracking()
            .Where(p => (p.Status == PaymentStatus.Pending && p.CreatedAt <= before)
                || (p.Status == PaymentStatus.Succeeded && db.Bookings.Any(b => b.Id == p.BookingId && b.Status == BookingStatus.PendingPayment)))
            .OrderBy(p => p.CreatedAt)
            .Select(p => p.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var settled = 0;
        foreach (var id in candidates)
        {
            db.ChangeTracker.Clear();
            if (await bookings.TryReconcileAsync(id, cancellationToken))
            {
                settled++;
            }
        }

        return settled;
    }

    /// <summary>Forgets idempotency keys older than their lifetime.</summary>
    public Task<int> PurgeIdempotencyKeysAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.IdempotencyRecords.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Refunds and cancels every live booking of a cancelled event (idempotent: finished bookings are skipped).</summary>
    public async Task<int> CancelEventBookingsAsync(Guid eventId, string reason, CancellationToken cancellationToken)
    {
        var ids = await db.Bookings.AsNoTracking()
            .Where(b => b.EventId == eventId && (b.Status == BookingStatus.PendingPayment || b.Status == BookingStatus.Confirmed))
            .Select(b => b.Id)
            .ToListAsync(cancellationToken);
        var cancelled = 0;
        foreach (var id in ids)
        {
            db.ChangeTracker.Clear();
            var result = await bookings.CancelForEventCancellationAsync(id, reason, cancellationToken);
            if (result.IsProblem)
            {
                throw new InvalidOperationException($"Booking {id} of cancelled event {eventId} could not be cancelled yet: {result.Detail}");
            }

            cancelled++;
        }

        return cancelled;
    }
}

/// <summary>Runs <see cref="BookingMaintenance"/> on a timer.</summary>
public sealed partial class BookingMaintenanceWorker(IServiceScopeFactory scopes, IOptions<BookingOptions> options, TimeProvider time,
    ILogger<BookingMaintenanceWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var maintenance = scope.ServiceProvider.GetRequiredService<BookingMaintenance>();
                await maintenance.SweepExpiredAsync(stoppingToken);
                await maintenance.ReconcilePaymentsAsync(stoppingToken);
                await maintenance.PurgeIdempotencyKeysAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogMaintenanceFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Booking maintenance (expiry sweep, payment reconciliation) failed; retrying on the next tick")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
