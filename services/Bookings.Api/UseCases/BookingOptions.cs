using System.ComponentModel.DataAnnotations;

namespace Bookings.Api.UseCases;

/// <summary>Rules of the booking flow, bound from the <c>Bookings</c> section.</summary>
public sealed class BookingOptions
{
    public const string SectionName = "Bookings";

    /// <summary>Most seats one booking may hold.</summary>
    [Range(1, 100)]
    public int MaxTicketsPerOrder { get; set; } = 10;

    /// <summary>How long seats are held for an unpaid booking.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(10);

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An attendee cancelling at least this long before the start gets everything back.</summary>
    public TimeSpan FullRefundBefore { get; set; } = TimeSpan.FromHours(24);

    /// <summary>What an attendee cancelling later (but before the start) gets back, in percent.</summary>
    [Range(0, 100)]
    public int LateRefundPercent { get; set; } = 50;

    /// <summary>Whether this replica runs the expiry sweeper and the payment reconciler.</summary>
    public bool RunBackgroundWorkers { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Booking and payment requests one user may make per minute (429 beyond).</summary>
    [Range(1, 1_000_000)]
    public int BookingRequestsPerMinute { get; set; } = 30;

    /// <summary>Promo-code checks one user may make per minute before booking (429 beyond): codes are not to be found by trying.</summary>
    [Range(1, 1_000_000)]
    public int PromoCodeChecksPerMinute { get; set; } = 20;

    /// <summary>New bookings one replica works on at once; more wait in the queue below, the rest get 503 at once (payments are never shed).</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentPurchases { get; set; } = 32;

    /// <summary>Purchases that may wait for a free slot (oldest first) before new ones are refused with 503.</summary>
    [Range(0, 100_000)]
    public int PurchaseQueueLimit { get; set; } = 64;

    /// <summary>How long an unknown payment outcome waits before the reconciler asks the gateway.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromSeconds(5);
}
