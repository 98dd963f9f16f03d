using Bookings.Api.Model;
using Bookings.Api.Payments;
using Bookings.Api.UseCases.Steps;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Tests;

public sealed class BookingStateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    internal static Booking NewBooking(DateTimeOffset? startsAt = null, int quantity = 2, decimal price = 25m) =>
        Booking.Create(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "a@example.com", "A", Guid.CreateVersion7(),
            "Concert", startsAt ?? Now.AddDays(10), "Europe/Paris", [BookingLine.Of(Guid.CreateVersion7(), "Standard", quantity, price)], "EUR", Now.AddMinutes(10), Now);

    [Fact]
    public void New_booking_is_pending_payment_with_the_amount_due()
    {
        var booking = NewBooking(quantity: 3, price: 12.5m);
        Assert.Equal(BookingStatus.PendingPayment, booking.Status);
        Assert.Equal(37.5m, booking.Amount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Quantity_must_be_positive(int quantity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NewBooking(quantity: quantity));

    [Fact]
    public void Pending_booking_confirms_then_cancels()
    {
        var booking = NewBooking();
        booking.Confirm(Now);
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        booking.Cancel("attendee", "changed plans", Now);
        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        Assert.Equal("attendee", booking.CancelledBy);
    }

    [Fact]
    public void Confirmed_booking_can_be_refunded()
    {
        var booking = NewBooking();
        booking.Confirm(Now);
        booking.Refund("goodwill", Now);
        Assert.Equal(BookingStatus.Refunded, booking.Status);
    }

    [Fact]
    public void Pending_booking_can_be_cancelled_or_expired_after_its_hold()
    {
        var cancelled = NewBooking();
        cancelled.Cancel("attendee", "no", Now);
        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);

        var expired = NewBooking();
        Assert.Equal("not-expired", Assert.Throws<DomainException>(() => expired.Expire(Now)).Error.Code);
        expired.Expire(Now.AddMinutes(10));
        Assert.Equal(BookingStatus.Expired, expired.Status);
    }

    [Fact]
    public void Illegal_transitions_are_refused_with_a_reason()
    {
        var expired = NewBooking();
        expired.Expire(Now.AddHours(1));
        Assert.Equal("illegal-transition", Assert.Throws<DomainException>(() => expired.Confirm(Now)).Error.Code);
        Assert.Equal("illegal-transition", Assert.Throws<DomainException>(() => expired.Cancel("admin", "x", Now)).Error.Code);

        var pending = NewBooking();
        Assert.Throws<DomainException>(() => pending.Refund("x", Now));

        var cancelled = NewBooking();
        cancelled.Confirm(Now);
        cancelled.Cancel("admin", "x", Now);
        Assert.Throws<DomainException>(() => cancelled.Confirm(Now));
        Assert.Throws<DomainException>(() => cancelled.Refund("x", Now));
        Assert.Throws<DomainException>(() => cancelled.Expire(Now.AddDays(1)));
    }

    [Fact]
    public void Only_a_pending_booking_with_a_running_hold_is_payable()
    {
        var booking = NewBooking();
        booking.EnsurePayable(Now.AddMinutes(9));
        Assert.Equal("booking-expired", Assert.Throws<DomainException>(() => booking.EnsurePayable(Now.AddMinutes(10))).Error.Code);
        booking.Confirm(Now);
        Assert.Equal("not-payable", Assert.Throws<DomainException>(() => booking.EnsurePayable(Now)).Error.Code);
    }
}

public sealed class PaymentStateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Payment_succeeds_then_refunds_at_most_its_amount()
    {
        var payment = Payment.Start(Guid.CreateVersion7(), BookingStateMachineTests.NewBooking(price: 10m), "4242", Now);
        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Equal(20m, payment.Amount);
        payment.Succeed("ref", Now);
        Assert.Throws<DomainException>(() => payment.MarkRefunded(21m, "x", Now));
        payment.MarkRefunded(20m, "x", Now);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Throws<DomainException>(() => payment.MarkRefunded(1m, "again", Now));
    }

    [Fact]
    public void Failed_payment_cannot_succeed_or_be_refunded()
    {
        var payment = Payment.Start(Guid.CreateVersion7(), BookingStateMachineTests.NewBooking(), "0002", Now);
        payment.Fail("card_declined", "declined", Now);
        Assert.Equal("illegal-transition", Assert.Throws<DomainException>(() => payment.Succeed("r", Now)).Error.Code);
        Assert.Throws<DomainException>(() => payment.MarkRefunded(1m, "x", Now));
    }
}

public sealed class RefundPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Attendee_gets_everything_back_a_day_or_more_before_the_start()
    {
        var booking = BookingStateMachineTests.NewBooking(startsAt: Now.AddHours(24), price: 10m);
        Assert.Equal(20m, RefundPolicy.Default.RefundFor(booking, byOrganizerOrAdmin: false, Now));
    }

    [Fact]
    public void Attendee_gets_half_back_within_a_day_and_cannot_cancel_once_started()
    {
        var booking = BookingStateMachineTests.NewBooking(startsAt: Now.AddHours(2), price: 10.01m);
        Assert.Equal(10.01m, RefundPolicy.Default.RefundFor(booking, false, Now));
        Assert.Equal("event-started", Assert.Throws<DomainException>(() => RefundPolicy.Default.RefundFor(booking, false, Now.AddHours(2))).Error.Code);
    }

    [Fact]
    public void Organizer_or_admin_always_refunds_in_full()
    {
        var booking = BookingStateMachineTests.NewBooking(startsAt: Now.AddHours(-1), price: 10m);
        Assert.Equal(20m, RefundPolicy.Default.RefundFor(booking, byOrganizerOrAdmin: true, Now));
    }
}

public sealed class TicketCodeAndCardTests
{
    [Fact]
    public void Signed_code_verifies_and_a_tampered_one_does_not()
    {
        var signer = new TicketCodeSigner(Options.Create(new TicketOptions { SigningKey = Convert.ToBase64String(new byte[32]) }));
        var code = signer.Sign(Guid.CreateVersion7(), Guid.CreateVersion7(), 7);
        Assert.True(signer.Verify(code));
        Assert.False(signer.Verify(code.Replace(".7.", ".8.", StringComparison.Ordinal)));
        var other = new TicketCodeSigner(Options.Create(new TicketOptions { SigningKey = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray()) }));
        Assert.False(other.Verify(code));
    }

    [Fact]
    public void A_seated_code_carries_its_seat_under_the_signature_and_a_code_without_one_still_reads()
    {
        var signer = new TicketCodeSigner(Options.Create(new TicketOptions { SigningKey = Convert.ToBase64String(new byte[32]) }));
        var (ticketId, eventId) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var seat = new Seat("circle.left-C-7", "Circle left", "C", "7");
        var code = signer.Sign(ticketId, eventId, 3, seat);
        Assert.Equal(5, code.Split('.').Length);
        Assert.True(signer.TryRead(code, out var readTicket, out var readEvent, out var readSeat));
        Assert.Equal((ticketId, eventId, seat), (readTicket, readEvent, readSeat));

        // Another seat put in its place breaks the signature.
        var parts = code.Split('.');
        parts[3] = signer.Sign(ticketId, eventId, 3, seat with { Number = "8" }).Split('.')[3];
        Assert.False(signer.TryRead(string.Join('.', parts), out _, out _, out _));

        // A general-admission code (and every code from before seats) has no seat.
        Assert.True(signer.TryRead(signer.Sign(ticketId, eventId, 3), out _, out _, out var none));
        Assert.Null(none);
    }

    [Theory]
    [InlineData("4242 4242 4242 4242", true)]
    [InlineData("4000-0000-0000-0002", true)]
    [InlineData("4000000000009995", true)]
    [InlineData("4000000000000119", true)]
    [InlineData("4242424242424241", false)]
    [InlineData("abcd", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Card_numbers_are_checked(string? input, bool valid) =>
        Assert.Equal(valid, SimulatedPaymentGateway.TryNormalizeCardNumber(input, out _));
}
