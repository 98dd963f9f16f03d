using Bookings.Api.Model;
using Npgsql;
using NpgsqlTypes;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace Bookings.Api.Infrastructure;

/// <summary>
/// A new booking's rows written by hand: the booking, all its lines and the request's answer in one statement. Every purchase
/// stores one, so this does not go through EF Core's update pipeline, which generated the SQL again and made a modification
/// and a parameter object per column on every call (a seventh of bookings-api's allocations in a rush, measured with
/// dotnet-trace). One statement is one implicit transaction (no BEGIN and COMMIT of their own), and <c>Max Auto Prepare</c>
/// prepares it once per connection. The columns are the model's (<see cref="BookingsDbContext"/>):
/// a test compares them, so a column added to the model and not here fails it.
/// </summary>
public static class BookingRows
{
    public static readonly string[] BookingColumns =
    [
        "Id", "EventId", "UserId", "UserEmail", "UserName", "UserLanguage", "OrganizerId", "EventTitle", "EventStartsAt",
        "EventTimeZone", "Quantity", "UnitPrice", "Amount", "Currency", "PromoCodeId", "PromoCode", "Discount", "Status",
        "CreatedAt", "HoldExpiresAt", "ConfirmedAt", "CancelledAt", "CancelledBy", "CancellationReason", "ExpiredAt",
        "RefundedAt", "SweepLeaseUntil",
    ];

    /// <summary>A line's columns besides its identity (<c>Id</c>, numbered by the database in the order given).</summary>
    public static readonly string[] LineColumns = ["BookingId", "TicketTypeId", "TicketTypeName", "Quantity", "UnitPrice", "Discount", "Seats"];

    private static readonly string InsertBookingSql = Insert("bookings", BookingColumns);

    // All the lines at once, numbered in their order (the tickets are issued line after line in that order).
    private static readonly string InsertLinesSql = $"""
        INSERT INTO booking_lines ({Quoted(LineColumns)})
        SELECT $1, l.type_id, l.name, l.quantity, l.unit_price, l.discount, l.seats
        FROM unnest($2::uuid[], $3::text[], $4::integer[], $5::numeric[], $6::numeric[], $7::jsonb[])
            WITH ORDINALITY AS l(type_id, name, quantity, unit_price, discount, seats, n)
        ORDER BY l.n
        """;

    /// <summary>
    /// The statement that stores <paramref name="booking"/>, its lines and <paramref name="answer"/> (when given): the booking
    /// and the answer as CTEs before the lines' INSERT, so it answers the number of lines stored. The lines' foreign key is
    /// checked once the whole statement has run, when the booking is there.
    /// </summary>
    public static NpgsqlBatchCommand InsertOf(Booking booking, NpgsqlBatchCommand? answer = null)
    {
        var row = new NpgsqlBatchCommand(InsertBookingSql);
        var p = row.Parameters;
        p.Add(Value(booking.Id));
        p.Add(Value(booking.EventId));
        p.Add(Value(booking.UserId));
        p.Add(Text(booking.UserEmail));
        p.Add(Text(booking.UserName));
        p.Add(Text(booking.UserLanguage));
        p.Add(Value(booking.OrganizerId));
        p.Add(Text(booking.EventTitle));
        p.Add(Value(booking.EventStartsAt));
        p.Add(Text(booking.EventTimeZone));
        p.Add(Value(booking.Quantity));
        p.Add(Value(booking.UnitPrice));
        p.Add(Value(booking.Amount));
        p.Add(Text(booking.Currency));
        p.Add(Nullable(booking.PromoCodeId, NpgsqlDbType.Uuid));
        p.Add(Text(booking.PromoCode));
        p.Add(Value(booking.Discount));
        p.Add(Text(booking.Status.ToString()));
        p.Add(Value(booking.CreatedAt));
        p.Add(Value(booking.HoldExpiresAt));
        p.Add(Nullable(booking.ConfirmedAt, NpgsqlDbType.TimestampTz));
        p.Add(Nullable(booking.CancelledAt, NpgsqlDbType.TimestampTz));
        p.Add(Text(booking.CancelledBy));
        p.Add(Text(booking.CancellationReason));
        p.Add(Nullable(booking.ExpiredAt, NpgsqlDbType.TimestampTz));
        p.Add(Nullable(booking.RefundedAt, NpgsqlDbType.TimestampTz));
        p.Add(Nullable(booking.SweepLeaseUntil, NpgsqlDbType.TimestampTz));
        var parts = With("booking", row);
        if (answer is not null)
        {
            parts.With("answer", answer);
        }

        var lines = booking.Lines;
        var command = new NpgsqlBatchCommand(InsertLinesSql);
        command.Parameters.Add(Value(booking.Id));
        command.Parameters.Add(Values(lines.Select(l => l.TicketTypeId).ToArray()));
        command.Parameters.Add(Values(lines.Select(l => l.TicketTypeName).ToArray()));
        command.Parameters.Add(Values(lines.Select(l => l.Quantity).ToArray()));
        command.Parameters.Add(Values(lines.Select(l => l.UnitPrice).ToArray()));
        command.Parameters.Add(Values(lines.Select(l => l.Discount).ToArray()));
        command.Parameters.Add(Values(lines.Select(l => SeatsJson.Converter.ConvertToProvider(l.Seats) as string).ToArray()));
        return parts.Then(command);
    }
}
