using Bookings.Api.Apis;
using Bookings.Api.Infrastructure;
using Bookings.Api.Inventory;
using Bookings.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bookings.Api.UseCases;

/// <summary>
/// Holds seats of an event in events-api and stores the booking pending payment. The hold id is the booking id, so running
/// again with the same id (a retried request) holds nothing twice and answers with the same booking. events-api's refusals
/// (<c>sold-out</c>, <c>not-on-sale</c>…) are passed on with their code unchanged.
/// </summary>
public sealed partial class CreateBooking(
    BookingsDbContext db, IInventoryClient inventory, IOptions<BookingOptions> options, TimeProvider time, ILogger<CreateBooking> logger)
{
    public async Task<BookingDto> RunAsync(Actor actor, Guid bookingId, Guid eventId, int quantity, CancellationToken cancellationToken)
    {
        var existing = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (existing is not null)
        {
            return BookingDto.From(existing);
        }

        var now = time.GetUtcNow();
        var hold = await inventory.PlaceHoldAsync(eventId, bookingId, quantity, now + options.Value.HoldDuration, cancellationToken);
        if (!hold.Succeeded)
        {
            throw new DomainException(Refusal(hold.Error!));
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
        return BookingDto.From(booking);
    }

    /// <summary>What the caller is told when events-api refuses the hold.</summary>
    private static Error Refusal(Error inventoryError) => inventoryError.Kind switch
    {
        ErrorKind.NotFound => Error.NotFound("event"),
        // bookings-api asked for something events-api cannot do: not the caller's request, so not a 400.
        ErrorKind.Invalid => new Error("invalid-hold", ErrorKind.Unprocessable, inventoryError.Detail),
        ErrorKind.Unavailable => BookingErrors.InventoryUnavailable("The seats could not be held right now; retry with the same Idempotency-Key."),
        // sold-out, not-on-sale…: events-api's code and words, unchanged.
        _ => inventoryError,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} created for event {EventId} ({Quantity} seats held)")]
    private static partial void LogBookingCreated(ILogger logger, Guid bookingId, Guid eventId, int quantity);
}
