using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases;

/// <summary>
/// The expiry sweep: bookings whose hold ran out unpaid are expired, their seats released and <c>booking.expired</c> written.
/// Safe with several replicas: candidates are claimed with a short lease taken by <c>FOR UPDATE SKIP LOCKED</c>, and each
/// booking is then expired under its own lock (skipped when another operation holds it).
/// </summary>
public sealed partial class ExpireBookings(BookingsDbContext db, BookingLocks locks, IInventoryClient inventory, TimeProvider time, ILogger<ExpireBookings> logger)
{
    public const int BatchSize = 50;

    /// <returns>How many bookings it expired.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
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
        return await db.CountDoneAsync(candidates, id => TryExpireAsync(id, cancellationToken));
    }

    /// <summary>Expires one booking whose hold ran out, if it still qualifies and events-api releases its seats.</summary>
    private async Task<bool> TryExpireAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        await using var lease = await locks.TryAcquireAsync(bookingId, cancellationToken);
        if (lease is null)
        {
            return false;
        }

        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        var now = time.GetUtcNow();
        if (booking is null || booking.Status != BookingStatus.PendingPayment || now < booking.HoldExpiresAt
            || await db.Payments.AnyAsync(p => p.BookingId == bookingId && (p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Succeeded), cancellationToken))
        {
            return false;
        }

        if (!await inventory.ReleaseHoldAsync(booking.EventId, booking.Id, cancellationToken))
        {
            return false;
        }

        booking.Expire(now);
        db.AddIntegrationEvent(new BookingExpired(booking.Id, booking.EventId, booking.UserId, booking.UserEmail, booking.EventTitle,
            booking.Quantity, booking.Id, now, booking.UserLanguage));
        await db.SaveChangesAsync(cancellationToken);
        LogBookingExpired(logger, booking.Id);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} expired; its seats were released")]
    private static partial void LogBookingExpired(ILogger logger, Guid bookingId);
}
