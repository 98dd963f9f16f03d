using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Bookings.Api.UseCases.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bookings.Api.UseCases;

/// <summary>
/// Holds seats of an event in events-api (per ticket type, with the hidden types the promo code unlocks) and stores the booking
/// pending payment, with its lines and the price events-api's hold answered (<c>totalPrice</c>) less the code's discount. The hold id is the booking id, so running
/// again with the same id (a retried request) holds nothing twice and answers with the same booking. events-api's refusals
/// (<c>sold-out</c>, <c>not-on-sale</c>…) are passed on with their code unchanged.
/// </summary>
public sealed partial class CreateBooking(
    BookingsDbContext db, IInventoryClient inventory, RedeemableCodes codes, IdempotentRequests answers, IOptions<BookingOptions> options, TimeProvider time,
    ILogger<CreateBooking> logger)
{
    /// <param name="isNew">No earlier attempt ran under <paramref name="bookingId"/> (a fresh Idempotency-Key): nothing to look up.</param>
    /// <param name="lines">Seats per ticket type; none: <paramref name="quantity"/> seats of the event's only type.</param>
    public async Task<BookingDto> RunAsync(Actor actor, Guid bookingId, Guid eventId, int quantity, IReadOnlyList<HoldLineRequest> lines,
        string? promoCode, bool isNew, CancellationToken cancellationToken, string? queuePass = null, Guid? waitingListOffer = null)
    {
        if (!isNew && await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken) is { } existing)
        {
            // A waiting-list offer's booking is its buyer's alone (another account naming the offer learns nothing of it).
            return waitingListOffer is not null && existing.UserId != actor.UserId
                ? throw new DomainException(new Error(WaitingListOfferNotFound, ErrorKind.NotFound, "No open waiting-list offer of yours with this id."))
                : BookingDto.From(existing);
        }

        var now = time.GetUtcNow();
        var code = promoCode is null ? null : await codes.FindAsync(eventId, promoCode, now, cancellationToken);
        if (code is not null && lines.Count > 0 && !lines.Any(l => code.AppliesTo(l.TicketTypeId)))
        {
            // Known before holding anything: nothing is held for a code that cannot apply.
            throw new DomainException(PromoCodeErrors.NotApplicable);
        }

        var request = new HoldRequest(quantity, lines, code?.UnlocksTicketTypeIds ?? [], now + options.Value.HoldDuration)
        {
            UserId = actor.UserId,
            QueuePass = queuePass,
            WaitingListOffer = waitingListOffer,
        };
        var hold = await inventory.PlaceHoldAsync(eventId, bookingId, request, cancellationToken);
        if (!hold.Succeeded)
        {
            throw new DomainException(Refusal(hold.Error!));
        }

        var h = hold.Value!;
        Booking booking;
        try
        {
            booking = Booking.Create(bookingId, eventId, actor.UserId, actor.Email, actor.Name, h.OrganizerId, h.EventTitle, h.EventStartsAt,
                h.EventTimeZone ?? "UTC", LinesOf(h), h.Currency, h.ExpiresAt, now, actor.Language);
            if (code is not null)
            {
                booking.Redeem(code);
            }
        }
        catch (DomainException)
        {
            // The hold's types are known only now (a body without lines): the seats go back at once.
            await inventory.ReleaseHoldAsync(eventId, bookingId, CancellationToken.None);
            throw;
        }

        var created = Answers.BookingCreated(BookingDto.From(booking));
        try
        {
            if (code is null)
            {
                await db.OnConnectionAsync((connection, ct) => InsertAsync(connection, null, booking, created, ct), cancellationToken);
            }
            else
            {
                await SaveRedeemingAsync(booking, code, created, cancellationToken);
            }

            answers.SavedWithWork();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A concurrent duplicate of this request stored the booking first: answer with it.
            db.ChangeTracker.Clear();
            booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId, cancellationToken);
        }
        catch (DomainException)
        {
            // The code's last use went to another buyer meanwhile: the seats go back at once (else the hold expires).
            await inventory.ReleaseHoldAsync(eventId, bookingId, CancellationToken.None);
            throw;
        }

        LogBookingCreated(logger, booking.Id, eventId, quantity);
        return BookingDto.From(booking);
    }

    /// <summary>The booking's lines (with their reserved seats) as events-api's hold took them; their sum is the hold's <c>totalPrice</c>, the price charged from.</summary>
    private static List<BookingLine> LinesOf(HoldInfo hold)
    {
        if (hold.Lines?.Any(l => l.Seats is { } seats && seats.Count != l.Quantity) == true)
        {
            throw new DomainException(new Error("invalid-hold", ErrorKind.Unprocessable, "events-api answered a hold line whose seats are not its quantity."));
        }

        var lines = (hold.Lines ?? []).Select(l => BookingLine.Of(l.TicketTypeId, l.Name, l.Quantity, l.UnitPrice,
            l.Seats?.Select(s => new Seat(s.SeatId, s.AreaName ?? s.Area, s.Row, s.Number)).ToList())).ToList();
        if (lines.Count == 0 || lines.Sum(l => l.Quantity) != hold.Quantity || lines.Sum(l => l.Gross) != hold.TotalPrice)
        {
            throw new DomainException(new Error("invalid-hold", ErrorKind.Unprocessable, "events-api answered a hold whose lines do not make up its quantity and total price."));
        }

        return lines;
    }

    /// <summary>
    /// Stores the booking with its lines and, when the request has an Idempotency-Key, its answer: one statement
    /// (<see cref="BookingRows.InsertOf"/>), so one round trip and one transaction (in <paramref name="transaction"/> when given).
    /// </summary>
    private async Task<int> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Booking booking, Answer<BookingDto> created,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { BookingRows.InsertOf(booking, answers.AnswerCommand(created)) } };
        return await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Stores the new booking with its code in one transaction that holds the code's row lock while it counts the uses, so
    /// concurrent redemptions of one code are counted one after the other and never exceed its limit.
    /// </summary>
    private Task SaveRedeemingAsync(Booking booking, PromoCode code, Answer<BookingDto> created, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlInterpolatedAsync($"""SELECT 1 FROM promo_codes WHERE "Id" = {code.Id} FOR UPDATE""", cancellationToken);
            if (code.MaxUses is { } max && await codes.UsesAsync(code.Id, cancellationToken) >= max)
            {
                throw new DomainException(PromoCodeErrors.UsedUp);
            }

            await InsertAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), booking, created,
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });

    private const string TicketTypeNotFound = "ticket-type-not-found";
    private const string WaitingListOfferNotFound = "waiting-list-offer-not-found";

    /// <summary>What the caller is told when events-api refuses the hold.</summary>
    private static Error Refusal(Error inventoryError) => inventoryError switch
    {
        { Kind: ErrorKind.NotFound, Code: TicketTypeNotFound or WaitingListOfferNotFound } => inventoryError,
        { Kind: ErrorKind.NotFound } => Error.NotFound("event"),
        // The caller's choice of types (several on sale, more than a type's per-order limit): events-api's code, as a 422.
        { Kind: ErrorKind.Invalid, Code: "ticket-type-required" or "over-order-limit" } =>
            new Error(inventoryError.Code, ErrorKind.Unprocessable, inventoryError.Detail),
        // bookings-api asked for something events-api cannot do: not the caller's request, so not a 400.
        { Kind: ErrorKind.Invalid } => new Error("invalid-hold", ErrorKind.Unprocessable, inventoryError.Detail),
        { Kind: ErrorKind.Unavailable } => BookingErrors.InventoryUnavailable("The seats could not be held right now; retry with the same Idempotency-Key."),
        // sold-out, not-on-sale, queue-pass-required (with where to queue)…: events-api's code and words, unchanged.
        _ => inventoryError,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} created for event {EventId} ({Quantity} seats held)")]
    private static partial void LogBookingCreated(ILogger logger, Guid bookingId, Guid eventId, int quantity);
}
