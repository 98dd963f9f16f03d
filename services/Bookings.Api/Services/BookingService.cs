using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.Payments;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bookings.Api.Services;

/// <summary>Who acts on a booking.</summary>
public sealed record Actor(Guid UserId, string? Email, string? Name, bool IsAdmin, bool IsOrganizer);

/// <summary>
/// The booking flow: create (hold seats), pay, confirm (tickets + outbox), cancel/refund, expire, reconcile.
/// Every operation on an existing booking runs under that booking's lock (<see cref="BookingLocks"/>); calls to
/// events-api and the gateway are idempotent per booking/payment id, so a retried operation repeats them safely.
/// </summary>
public sealed partial class BookingService(
    BookingsDbContext db,
    IdempotencyStore idempotency,
    IInventoryClient inventory,
    IPaymentGateway gateway,
    BookingLocks locks,
    TicketCodeSigner signer,
    IOptions<BookingOptions> options,
    TimeProvider time,
    ILogger<BookingService> logger)
{
    public const string CreateScope = "create-booking";

    private BookingOptions Options => options.Value;

    // ---------------------------------------------------------------- create

    public async Task<OperationResult<BookingDto>> CreateAsync(Actor actor, Guid eventId, int quantity, string idempotencyKey, CancellationToken cancellationToken)
    {
        var hash = IdempotencyStore.Hash(new { eventId, quantity });
        var claim = await idempotency.ClaimAsync(actor.UserId, CreateScope, idempotencyKey, hash, Options.IdempotencyKeyLifetime, cancellationToken);
        if (claim.HashMismatch)
        {
            return OperationResult.Problem<BookingDto>(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
                "This Idempotency-Key was already used with a different request body.");
        }

        if (claim.StoredResult is not null)
        {
            return IdempotencyStore.Replay<BookingDto>(claim.StoredResult);
        }

        var bookingId = claim.ResourceId;
        var result = await CreateBookingAsync(actor, bookingId, eventId, quantity, cancellationToken);
        if (result.Status != StatusCodes.Status503ServiceUnavailable)
        {
            // Unavailable is not final: the key stays reserved for the same booking id, so a retry continues it.
            await idempotency.CompleteAsync(actor.UserId, CreateScope, idempotencyKey, result, cancellationToken);
        }

        return result;
    }

    private async Task<OperationResult<BookingDto>> CreateBookingAsync(Actor actor, Guid bookingId, Guid eventId, int quantity, CancellationToken cancellationToken)
    {
        var existing = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (existing is not null)
        {
            return OperationResult.Success<BookingDto>(StatusCodes.Status201Created, BookingDto.From(existing));
        }

        var now = time.GetUtcNow();
        var hold = await inventory.PlaceHoldAsync(eventId, bookingId, quantity, now + Options.HoldDuration, cancellationToken);
        if (!hold.Succeeded)
        {
            return hold.Error switch
            {
                InventoryError.NotFound => OperationResult.Problem<BookingDto>(StatusCodes.Status404NotFound, "event-not-found", "No such event."),
                InventoryError.SoldOut => OperationResult.Problem<BookingDto>(StatusCodes.Status409Conflict, "sold-out", hold.Detail ?? "Not enough seats remain."),
                InventoryError.NotOnSale => OperationResult.Problem<BookingDto>(StatusCodes.Status409Conflict, "not-on-sale", hold.Detail ?? "The event is not on sale."),
                InventoryError.Invalid => OperationResult.Problem<BookingDto>(StatusCodes.Status422UnprocessableEntity, "invalid-hold", hold.Detail ?? "events-api refused the hold."),
                _ => OperationResult.Problem<BookingDto>(StatusCodes.Status503ServiceUnavailable, "inventory-unavailable", "The seats could not be held right now; retry with the same Idempotency-Key."),
            };
        }

        var h = hold.Value!;
        var booking = Booking.Create(bookingId, eventId, actor.UserId, actor.Email, actor.Name, h.OrganizerId, h.EventTitle, h.EventStartsAt,
            quantity, h.UnitPrice, h.Currency, h.ExpiresAt, now);
        db.Bookings.Add(booking);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent duplicate of this request stored the booking first: answer with it.
            db.ChangeTracker.Clear();
            booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId, cancellationToken);
        }

        LogBookingCreated(logger, booking.Id, eventId, quantity);
        return OperationResult.Success<BookingDto>(StatusCodes.Status201Created, BookingDto.From(booking));
    }

    // ---------------------------------------------------------------- pay

    public async Task<OperationResult<PaymentDto>> PayAsync(Actor actor, Guid bookingId, string cardNumber, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var scope = "pay:" + bookingId.ToString("N");
        var paymentId = Guid.CreateVersion7();
        if (idempotencyKey is not null)
        {
            var claim = await idempotency.ClaimAsync(actor.UserId, scope, idempotencyKey, IdempotencyStore.Hash(new { bookingId, cardNumber }),
                Options.IdempotencyKeyLifetime, cancellationToken);
            if (claim.HashMismatch)
            {
                return OperationResult.Problem<PaymentDto>(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
                    "This Idempotency-Key was already used with a different request body.");
            }

            if (claim.StoredResult is not null)
            {
                return IdempotencyStore.Replay<PaymentDto>(claim.StoredResult);
            }

            paymentId = claim.ResourceId;
        }

        OperationResult<PaymentDto> result;
        await using (await locks.AcquireAsync(bookingId, cancellationToken))
        {
            result = await PayLockedAsync(actor, bookingId, paymentId, cardNumber, cancellationToken);
        }

        if (idempotencyKey is not null && result.Status != StatusCodes.Status503ServiceUnavailable)
        {
            await idempotency.CompleteAsync(actor.UserId, scope, idempotencyKey, result, cancellationToken);
        }

        return result;
    }

    private async Task<OperationResult<PaymentDto>> PayLockedAsync(Actor actor, Guid bookingId, Guid paymentId, string cardNumber, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null || !booking.IsOwnedBy(actor.UserId))
        {
            return OperationResult.Problem<PaymentDto>(StatusCodes.Status404NotFound, "booking-not-found", "No such booking.");
        }

        // One read for both questions: did this request get this far before, and is another payment of the booking live?
        var payments = await db.Payments
            .Where(p => p.BookingId == bookingId && (p.Id == paymentId || p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Succeeded))
            .ToListAsync(cancellationToken);
        var same = payments.SingleOrDefault(p => p.Id == paymentId);
        if (same is not null && !same.CanRetryCharge)
        {
            // The same idempotent request got this far before (and its answer was not stored): continue it.
            return await ContinuePaymentAsync(booking, same, cardNumber, cancellationToken);
        }

        var live = payments.SingleOrDefault(p => p.Id != paymentId && p.Status is PaymentStatus.Pending or PaymentStatus.Succeeded);
        if (live is not null)
        {
            return live.Status == PaymentStatus.Pending
                ? OperationResult.Problem<PaymentDto>(StatusCodes.Status409Conflict, "payment-pending", "A payment of this booking is still being processed.", live.Id)
                : OperationResult.Problem<PaymentDto>(StatusCodes.Status409Conflict, "already-paid", "This booking is already paid.", live.Id);
        }

        booking.EnsurePayable(time.GetUtcNow());
        Payment payment;
        if (same is not null)
        {
            // The same request again, after its first attempt failed before reaching the gateway (database or network
            // away) and the reconciler found no charge: send the same payment again — a decline is for cards, not outages.
            payment = same;
            payment.RetryCharge();
        }
        else
        {
            payment = Payment.Start(paymentId, booking, cardNumber[^4..], time.GetUtcNow());
            db.Payments.Add(payment);
        }

        await db.SaveChangesAsync(cancellationToken);
        return await ContinuePaymentAsync(booking, payment, cardNumber, cancellationToken);
    }

    private async Task<OperationResult<PaymentDto>> ContinuePaymentAsync(Booking booking, Payment payment, string cardNumber, CancellationToken cancellationToken)
    {
        if (payment.Status == PaymentStatus.Pending)
        {
            var charge = await gateway.ChargeAsync(new ChargeRequest(payment.Id, payment.Amount, payment.Currency, cardNumber), cancellationToken);
            await ApplyChargeResultAsync(payment, charge, cancellationToken);
        }

        return payment.Status switch
        {
            PaymentStatus.Failed => OperationResult.Problem<PaymentDto>(StatusCodes.Status402PaymentRequired, payment.FailureCode ?? "card-declined",
                (payment.FailureMessage ?? "The payment failed.") + " The booking can still be paid until its hold expires.", payment.Id),
            PaymentStatus.Pending => OperationResult.Success<PaymentDto>(StatusCodes.Status202Accepted, PaymentDto.From(payment, booking.Status)),
            _ => await FinalizeSucceededPaymentAsync(booking, payment, cancellationToken),
        };
    }

    private async Task ApplyChargeResultAsync(Payment payment, ChargeResult charge, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (charge.Outcome)
        {
            case ChargeOutcome.Succeeded:
                payment.Succeed(charge.Reference ?? "", now);
                break;
            case ChargeOutcome.Declined:
                payment.Fail(charge.DeclineCode ?? "card_declined", charge.Message ?? "The card was declined.", now);
                break;
            case ChargeOutcome.NotFound:
                payment.Fail(Payment.NotChargedCode, "The gateway never received this charge; paying again sends it again.", now);
                break;
            default:
                LogPaymentOutcomeUnknown(logger, payment.Id);
                return;
        }

        // Recorded before anything else happens, so a charge is never forgotten.
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The money is in: confirm the hold in events-api, then in ONE transaction confirm the booking, issue the tickets and
    /// write <c>booking.confirmed</c> to the outbox. When the seats are gone (hold expired and sold), refund instead.
    /// </summary>
    private async Task<OperationResult<PaymentDto>> FinalizeSucceededPaymentAsync(Booking booking, Payment payment, CancellationToken cancellationToken)
    {
        if (booking.Status == BookingStatus.Confirmed || payment.Status != PaymentStatus.Succeeded)
        {
            return OperationResult.Success<PaymentDto>(StatusCodes.Status201Created, PaymentDto.From(payment, booking.Status));
        }

        var confirm = await inventory.ConfirmHoldAsync(booking.EventId, booking.Id, cancellationToken);
        if (confirm.Succeeded)
        {
            await ConfirmBookingAsync(booking, cancellationToken);
            return OperationResult.Success<PaymentDto>(StatusCodes.Status201Created, PaymentDto.From(payment, booking.Status));
        }

        if (confirm.Error == InventoryError.Unavailable)
        {
            // The reconciler confirms later; the payment is recorded.
            return OperationResult.Success<PaymentDto>(StatusCodes.Status202Accepted, PaymentDto.From(payment, booking.Status));
        }

        // The seats are gone (hold expired and sold, event cancelled...): give the money back.
        if (!await inventory.ReleaseHoldAsync(booking.EventId, booking.Id, cancellationToken))
        {
            return OperationResult.Success<PaymentDto>(StatusCodes.Status202Accepted, PaymentDto.From(payment, booking.Status));
        }

        await gateway.RefundAsync(payment.Id, payment.Amount, cancellationToken);
        await CommitCancellationAsync(booking, payment, payment.Amount, "system", "seats-unavailable", cancellationToken);
        return OperationResult.Problem<PaymentDto>(StatusCodes.Status409Conflict, "hold-expired",
            "The seats were no longer available when the payment arrived; the payment was refunded in full.", payment.Id);
    }

    /// <summary>
    /// Entry numbers are taken in their own statement (committed at once) before the confirming transaction: the event's
    /// counter row is locked for that one statement, not for the whole transaction, so confirmations of one event no longer
    /// queue behind each other's ticket inserts, outbox write and commit. Numbers stay unique; a confirmation that fails after
    /// taking its numbers leaves a gap (a retried transaction reuses the numbers it took).
    /// </summary>
    private async Task<int> TakeEntryNumbersAsync(Booking booking, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<int>($"""
            INSERT INTO ticket_sequences ("EventId", "LastEntryNumber") VALUES ({booking.EventId}, {booking.Quantity})
            ON CONFLICT ("EventId") DO UPDATE SET "LastEntryNumber" = ticket_sequences."LastEntryNumber" + {booking.Quantity}
            RETURNING "LastEntryNumber" AS "Value"
            """).ToListAsync(cancellationToken))[0];

    private async Task ConfirmBookingAsync(Booking booking, CancellationToken cancellationToken)
    {
        var last = await TakeEntryNumbersAsync(booking, cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        var attempt = 0;
        await strategy.ExecuteAsync(async () =>
        {
            if (attempt++ > 0)
            {
                await ResetForRetryAsync(cancellationToken, booking);
            }

            // One SaveChanges is one transaction: booking, tickets and the outbox message commit together.
            var now = time.GetUtcNow();
            booking.Confirm(now);
            var tickets = new List<Ticket>();
            for (var i = 0; i < booking.Quantity; i++)
            {
                var entry = last - booking.Quantity + 1 + i;
                var id = Guid.CreateVersion7();
                var number = $"EB-{booking.EventId.ToString("N")[^8..].ToUpperInvariant()}-{entry:D6}";
                tickets.Add(Ticket.Issue(id, booking, number, entry, signer.Sign(id, booking.EventId, entry), now));
            }

            db.Tickets.AddRange(tickets);
            db.AddIntegrationEvent(new BookingConfirmed(booking.Id, booking.EventId, booking.UserId, booking.UserEmail, booking.UserName,
                booking.EventTitle, booking.EventStartsAt, booking.Quantity, new Money(booking.Amount, booking.Currency), booking.Id,
                tickets.Select(t => new TicketInfo(t.Id, t.TicketNumber, t.EntryNumber, t.Code)).ToList(), now));
            await db.SaveChangesAsync(cancellationToken);
        });
        LogBookingConfirmed(logger, booking.Id, booking.Quantity);
    }

    // ---------------------------------------------------------------- cancel / refund

    public async Task<OperationResult<BookingDto>> CancelAsync(Actor actor, Guid bookingId, string? reason, CancellationToken cancellationToken)
    {
        await using (await locks.AcquireAsync(bookingId, cancellationToken))
        {
            var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
            var isStaff = booking is not null && (actor.IsAdmin || (actor.IsOrganizer && booking.OrganizerId == actor.UserId));
            if (booking is null || !(booking.IsOwnedBy(actor.UserId) || isStaff))
            {
                return OperationResult.Problem<BookingDto>(StatusCodes.Status404NotFound, "booking-not-found", "No such booking.");
            }

            var by = isStaff ? (actor.IsAdmin ? "admin" : "organizer") : "attendee";
            return await CancelLockedAsync(booking, by, reason ?? "Cancelled by the " + by + ".", isStaff, cancellationToken);
        }
    }

    /// <summary>Cancels a booking for an event that was cancelled: full refund, seats released. Safe to repeat.</summary>
    public async Task<OperationResult<BookingDto>> CancelForEventCancellationAsync(Guid bookingId, string reason, CancellationToken cancellationToken)
    {
        await using (await locks.AcquireAsync(bookingId, cancellationToken))
        {
            var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
            if (booking is null || booking.Status is not (BookingStatus.PendingPayment or BookingStatus.Confirmed))
            {
                return OperationResult.Success<BookingDto>(StatusCodes.Status200OK, booking is null ? null! : BookingDto.From(booking));
            }

            return await CancelLockedAsync(booking, "organizer", reason, byStaff: true, cancellationToken);
        }
    }

    private async Task<OperationResult<BookingDto>> CancelLockedAsync(Booking booking, string by, string reason, bool byStaff, CancellationToken cancellationToken)
    {
        booking.EnsureCancellable();
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.BookingId == booking.Id && (p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Succeeded), cancellationToken);
        if (payment is { Status: PaymentStatus.Pending })
        {
            return OperationResult.Problem<BookingDto>(StatusCodes.Status409Conflict, "payment-pending",
                "A payment of this booking is still being processed; try again once it is settled.");
        }

        var refund = payment is null ? 0m : new RefundPolicy(Options.FullRefundBefore, Options.LateRefundPercent).RefundFor(booking, byStaff, time.GetUtcNow());
        if (!await inventory.ReleaseHoldAsync(booking.EventId, booking.Id, cancellationToken))
        {
            return OperationResult.Problem<BookingDto>(StatusCodes.Status503ServiceUnavailable, "inventory-unavailable",
                "The seats could not be released right now; nothing changed, try again.");
        }

        if (payment is not null)
        {
            await gateway.RefundAsync(payment.Id, refund, cancellationToken);
        }

        await CommitCancellationAsync(booking, payment, refund, by, reason, cancellationToken);
        return OperationResult.Success<BookingDto>(StatusCodes.Status200OK, BookingDto.From(booking));
    }

    /// <summary>An admin refund of a confirmed booking (full by default): money back, seats returned, booking Refunded.</summary>
    public async Task<OperationResult<PaymentDto>> RefundAsync(Guid bookingId, string reason, CancellationToken cancellationToken)
    {
        await using (await locks.AcquireAsync(bookingId, cancellationToken))
        {
            var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
            if (booking is null)
            {
                return OperationResult.Problem<PaymentDto>(StatusCodes.Status404NotFound, "booking-not-found", "No such booking.");
            }

            if (booking.Status != BookingStatus.Confirmed)
            {
                throw new DomainException("illegal-transition", ErrorKind.Conflict, $"Only a confirmed booking can be refunded; this one is {booking.Status}.");
            }

            var payment = await db.Payments.SingleAsync(p => p.BookingId == booking.Id && p.Status == PaymentStatus.Succeeded, cancellationToken);
            if (!await inventory.ReleaseHoldAsync(booking.EventId, booking.Id, cancellationToken))
            {
                return OperationResult.Problem<PaymentDto>(StatusCodes.Status503ServiceUnavailable, "inventory-unavailable",
                    "The seats could not be released right now; nothing changed, try again.");
            }

            await gateway.RefundAsync(payment.Id, payment.Amount, cancellationToken);
            await CommitCancellationAsync(booking, payment, payment.Amount, "admin", reason, cancellationToken, refundOnly: true);
            return OperationResult.Success<PaymentDto>(StatusCodes.Status201Created, PaymentDto.From(payment, booking.Status));
        }
    }

    private async Task CommitCancellationAsync(Booking booking, Payment? payment, decimal refund, string by, string reason,
        CancellationToken cancellationToken, bool refundOnly = false)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var attempt = 0;
        await strategy.ExecuteAsync(async () =>
        {
            if (attempt++ > 0)
            {
                await ResetForRetryAsync(cancellationToken, payment is null ? [booking] : [booking, payment]);
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (refundOnly)
            {
                booking.Refund(reason, now);
            }
            else
            {
                booking.Cancel(by, reason, now);
            }

            await db.Tickets.Where(t => t.BookingId == booking.Id && t.Status == TicketStatus.Valid)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Void).SetProperty(t => t.VoidedAt, now), cancellationToken);
            Money? refunded = null;
            if (payment is not null)
            {
                payment.MarkRefunded(refund, reason, now);
                refunded = new Money(refund, payment.Currency);
                db.AddIntegrationEvent(new PaymentRefunded(payment.Id, booking.Id, booking.EventId, booking.UserId, booking.UserEmail, refunded, reason, now));
            }

            db.AddIntegrationEvent(new BookingCancelled(booking.Id, booking.EventId, booking.UserId, booking.UserEmail, booking.EventTitle,
                booking.Quantity, booking.Id, by, reason, refunded, now));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        LogBookingCancelled(logger, booking.Id, by, refund);
    }

    /// <summary>
    /// Before the execution strategy repeats a failed transaction: forget everything tracked (added tickets, outbox rows)
    /// and bring the entities back to their stored state, so the unit of work runs again from the start.
    /// </summary>
    private async Task ResetForRetryAsync(CancellationToken cancellationToken, params object[] entities)
    {
        db.ChangeTracker.Clear();
        foreach (var entity in entities)
        {
            db.Attach(entity);
            await db.Entry(entity).ReloadAsync(cancellationToken);
        }
    }

    // ---------------------------------------------------------------- background work

    /// <summary>Expires one booking whose hold ran out (if it still qualifies): seats released, <c>booking.expired</c> written.</summary>
    public async Task<bool> TryExpireAsync(Guid bookingId, CancellationToken cancellationToken)
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
            booking.Quantity, booking.Id, now));
        await db.SaveChangesAsync(cancellationToken);
        LogBookingExpired(logger, booking.Id);
        return true;
    }

    /// <summary>Settles one payment whose outcome was unknown, or finishes one whose confirmation did not complete.</summary>
    public async Task<bool> TryReconcileAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var bookingId = await db.Payments.Where(p => p.Id == paymentId).Select(p => p.BookingId).SingleAsync(cancellationToken);
        await using var lease = await locks.TryAcquireAsync(bookingId, cancellationToken);
        if (lease is null)
        {
            return false;
        }

        var payment = await db.Payments.SingleAsync(p => p.Id == paymentId, cancellationToken);
        var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, cancellationToken);
        if (payment.Status == PaymentStatus.Pending)
        {
            await ApplyChargeResultAsync(payment, await gateway.GetChargeAsync(payment.Id, cancellationToken), cancellationToken);
        }

        if (payment.Status == PaymentStatus.Succeeded && booking.Status == BookingStatus.PendingPayment)
        {
            await FinalizeSucceededPaymentAsync(booking, payment, cancellationToken);
        }

        return payment.Status != PaymentStatus.Pending;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} created for event {EventId} ({Quantity} seats held)")]
    private static partial void LogBookingCreated(ILogger logger, Guid bookingId, Guid eventId, int quantity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} confirmed with {Quantity} tickets")]
    private static partial void LogBookingConfirmed(ILogger logger, Guid bookingId, int quantity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} cancelled by {CancelledBy}, refund {Refund}")]
    private static partial void LogBookingCancelled(ILogger logger, Guid bookingId, string cancelledBy, decimal refund);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} expired; its seats were released")]
    private static partial void LogBookingExpired(ILogger logger, Guid bookingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId}: the gateway's answer is unknown; the reconciler settles it")]
    private static partial void LogPaymentOutcomeUnknown(ILogger logger, Guid paymentId);
}
