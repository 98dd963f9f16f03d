namespace Bookings.Api.Model;

/// <summary>
/// The attendee refund policy (documented in README.md): cancelling at least <see cref="FullRefundBefore"/> before the
/// event starts refunds everything; later but before the start refunds <see cref="LateRefundPercent"/> percent; once the
/// event has started an attendee can no longer cancel. Organizers and admins always refund in full.
/// </summary>
public sealed record RefundPolicy(TimeSpan FullRefundBefore, int LateRefundPercent)
{
    public static RefundPolicy Default { get; } = new(TimeSpan.FromHours(24), 50);

    public decimal RefundFor(Booking booking, bool byOrganizerOrAdmin, DateTimeOffset now)
    {
        if (byOrganizerOrAdmin)
        {
            return booking.Amount;
        }

        if (now >= booking.EventStartsAt)
        {
            throw new DomainException("event-started", ErrorKind.Conflict, "The event has started; an attendee can no longer cancel.");
        }

        return booking.EventStartsAt - now >= FullRefundBefore
            ? booking.Amount
            : decimal.Round(booking.Amount * LateRefundPercent / 100m, 2, MidpointRounding.ToZero);
    }
}
