using Bookings.Api.Model;
using EventBooking.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace Bookings.Api.Infrastructure;

/// <summary>
/// A paid booking's confirmation written by hand, as <see cref="BookingRows"/> writes a new booking: the booking's new status
/// (checked against the version it was read at), all its tickets, the <c>booking.confirmed</c> outbox row and the request's
/// answer, in one statement. When the booking changed since it was read, nothing is written.
/// A test holds the columns to the model's and the confirmation's changes to what <see cref="Booking.Confirm"/> changes.
/// </summary>
public static class ConfirmationRows
{
    /// <summary>What <see cref="Booking.Confirm"/> changes: the columns the confirmation's UPDATE sets.</summary>
    public static readonly string[] ConfirmedColumns = ["Status", "ConfirmedAt"];

    public static readonly string[] TicketColumns =
    [
        "Id", "BookingId", "EventId", "UserId", "TicketTypeId", "TicketTypeName", "SeatId", "SeatArea", "SeatRow", "SeatNumber",
        "TicketNumber", "EntryNumber", "Code", "Status", "IssuedAt", "VoidedAt", "CheckedInAt", "CheckedInDoor", "CheckedInBy",
    ];

    // $1 the booking, then ConfirmedColumns' values in their order, then the version it was read at.
    private static readonly string ConfirmSql =
        $"""UPDATE bookings SET {string.Join(", ", ConfirmedColumns.Select((c, i) => $"\"{c}\" = ${i + 2}"))} WHERE "Id" = $1 AND xmin = ${ConfirmedColumns.Length + 2} RETURNING xmin""";

    // The other parts' condition: the booking's UPDATE found the version it was read at.
    private const string IsConfirmed = "EXISTS (SELECT FROM confirmed)";

    private static readonly string InsertTicketsSql = $"""
        INSERT INTO tickets ({Quoted(TicketColumns)})
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::text[], $11::text[], $12::integer[], $13::text[], $14::text[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[],
            $18::text[], $19::uuid[])
        """;

    /// <summary>
    /// Writes the confirmation of <paramref name="booking"/> (already <see cref="Booking.Confirm"/>ed in memory, and tracked at
    /// the version it was read at) with <paramref name="tickets"/>, <paramref name="message"/> and the answer, then tracks the
    /// booking as stored. Runs inside the caller's execution strategy (<see cref="UnitsOfWork.RunRetriedAsync"/>).
    /// </summary>
    /// <remarks>
    /// One statement, so one implicit transaction and one round trip: the booking's <c>UPDATE … WHERE xmin</c> is a
    /// data-modifying CTE, and the tickets, the outbox row and the answer are written only if it found the version
    /// (<c>WHERE EXISTS (SELECT FROM confirmed)</c>). It was a batch in an explicit transaction, committed only when the
    /// version matched: six statements (with <c>BEGIN</c> and <c>COMMIT</c>) and two round trips for every booking sold.
    /// </remarks>
    /// <exception cref="DbUpdateConcurrencyException">The booking changed since it was read: nothing was written.</exception>
    public static async Task WriteAsync(BookingsDbContext db, Booking booking, IReadOnlyList<Ticket> tickets, OutboxMessage message,
        NpgsqlBatchCommand? answer, CancellationToken cancellationToken)
    {
        var entry = db.Entry(booking);
        var parts = With("confirmed", Confirm(booking, entry.Property(b => b.Version).OriginalValue))
            .With("tickets", InsertOf(tickets), $" WHERE {IsConfirmed}")
            .With("outbox", OutboxRows.InsertOf(message), $" WHERE {IsConfirmed}");
        if (answer is not null)
        {
            parts.With("answer", answer, $" AND {IsConfirmed}");
        }

        var version = await db.ExecuteScalarAsync(parts.Then("SELECT xmin FROM confirmed"), cancellationToken);
        if (version is not uint stored)
        {
            throw new DbUpdateConcurrencyException($"Booking {booking.Id} changed since it was read; its confirmation was not written.");
        }

        entry.TrackStored(b => b.Version, stored);
    }

    private static NpgsqlBatchCommand Confirm(Booking booking, uint readAt) => new(ConfirmSql)
    {
        Parameters =
        {
            Value(booking.Id),
            Text(booking.Status.ToString()),
            Nullable(booking.ConfirmedAt, NpgsqlDbType.TimestampTz),
            new NpgsqlParameter<uint> { TypedValue = readAt, NpgsqlDbType = NpgsqlDbType.Xid },
        },
    };

    private static NpgsqlBatchCommand InsertOf(IReadOnlyList<Ticket> tickets) => new(InsertTicketsSql)
    {
        Parameters =
        {
            Values(tickets.Select(t => t.Id).ToArray()),
            Values(tickets.Select(t => t.BookingId).ToArray()),
            Values(tickets.Select(t => t.EventId).ToArray()),
            Values(tickets.Select(t => t.UserId).ToArray()),
            Values(tickets.Select(t => t.TicketTypeId).ToArray()),
            Values(tickets.Select(t => t.TicketTypeName).ToArray()),
            Values(tickets.Select(t => t.Seat?.SeatId).ToArray()),
            Values(tickets.Select(t => t.Seat?.Area).ToArray()),
            Values(tickets.Select(t => t.Seat?.Row).ToArray()),
            Values(tickets.Select(t => t.Seat?.Number).ToArray()),
            Values(tickets.Select(t => t.TicketNumber).ToArray()),
            Values(tickets.Select(t => t.EntryNumber).ToArray()),
            Values(tickets.Select(t => t.Code).ToArray()),
            Values(tickets.Select(t => t.Status.ToString()).ToArray()),
            Values(tickets.Select(t => t.IssuedAt).ToArray()),
            Values(tickets.Select(t => t.VoidedAt).ToArray()),
            Values(tickets.Select(t => t.CheckedInAt).ToArray()),
            Values(tickets.Select(t => t.CheckedInDoor).ToArray()),
            Values(tickets.Select(t => t.CheckedInBy).ToArray()),
        },
    };
}
