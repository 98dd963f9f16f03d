using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.UseCases.Steps;

/// <summary>
/// Finds an event's promo code as a buyer types it and says whether it may be redeemed now: the same answer for a booking
/// (<see cref="CreateBooking"/>) and for a buyer checking the code before booking (<see cref="CheckPromoCode"/>).
/// </summary>
public sealed class RedeemableCodes(BookingsDbContext db)
{
    /// <summary>
    /// The event's code <paramref name="promoCode"/> (any case) if it may be redeemed at <paramref name="now"/>; else a
    /// <see cref="DomainException"/>: <c>promo-code-invalid</c> (unknown, disabled or another event's: one answer),
    /// <c>promo-code-not-yet-valid</c>, <c>promo-code-expired</c> or <c>promo-code-used-up</c>. Uses are read, never taken.
    /// </summary>
    public async Task<PromoCode> FindAsync(Guid eventId, string promoCode, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var normalized = PromoCode.Normalize(promoCode);
        var code = await db.PromoCodes.AsNoTracking().SingleOrDefaultAsync(c => c.EventId == eventId && c.Code == normalized, cancellationToken)
            ?? throw new DomainException(PromoCodeErrors.Invalid);
        if (code.Refusal(now) is { } refusal)
        {
            throw new DomainException(refusal);
        }

        // A booking counts again under the code's row lock when it saves; this count is the one a buyer is shown.
        if (code.MaxUses is { } max && await UsesAsync(code.Id, cancellationToken) >= max)
        {
            throw new DomainException(PromoCodeErrors.UsedUp);
        }

        return code;
    }

    /// <summary>The code's uses now: its bookings pending payment or confirmed.</summary>
    public Task<int> UsesAsync(Guid codeId, CancellationToken cancellationToken) =>
        db.Bookings.CountAsync(b => b.PromoCodeId == codeId && Booking.HoldsPromoUse.Contains(b.Status), cancellationToken);
}
