namespace Bookings.Api.Model;

/// <summary>
/// Seats of one ticket type in a booking, as events-api's hold took them: the type's id and name and the unit price at that
/// moment, and the share of the booking's discount that went to these seats. <see cref="TicketTypeId"/> is null only for the
/// line of a booking made before ticket types existed (its seats are of the event's one type then, named "Standard").
/// </summary>
public sealed class BookingLine
{
    public const int MaxNameLength = 80;

    /// <summary>The name events-api gave every event's first type when types came in (and bookings-api its older bookings' line).</summary>
    public const string DefaultTypeName = "Standard";

    private BookingLine()
    {
    }

    public Guid? TicketTypeId { get; private set; }
    public string TicketTypeName { get; private set; } = "";
    public int Quantity { get; private set; }
    public decimal UnitPrice { get; private set; }
    /// <summary>What the promo code took off these seats (0 without a code, or when the code's scope leaves this type out).</summary>
    public decimal Discount { get; private set; }
    /// <summary>The reserved seats of this line, in the order events-api's hold answered them (null: seats by count).</summary>
    public List<Seat>? Seats { get; private set; }

    public decimal Gross => UnitPrice * Quantity;

    public static BookingLine Of(Guid ticketTypeId, string ticketTypeName, int quantity, decimal unitPrice, IReadOnlyList<Seat>? seats = null)
    {
        if (seats is not null && seats.Count != quantity)
        {
            throw new ArgumentException("A line with reserved seats has one seat per ticket.", nameof(seats));
        }

        if (quantity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(quantity), "A line holds at least one seat.");
        }

        if (unitPrice < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(unitPrice), "A price is never negative.");
        }

        return new BookingLine { TicketTypeId = ticketTypeId, TicketTypeName = ticketTypeName, Quantity = quantity, UnitPrice = unitPrice,
            Seats = seats is null ? null : [.. seats] };
    }

    internal void TakeDiscount(decimal discount) => Discount = discount;

    /// <summary>The line's reserved seats after the organizer moved some (as many as before: a move keeps the category).</summary>
    internal void SeatAt(IReadOnlyList<Seat> seats)
    {
        if (Seats is null || seats.Count != Quantity)
        {
            throw new InvalidOperationException("Only a line with reserved seats moves, to as many seats.");
        }

        Seats = [.. seats];
    }
}
