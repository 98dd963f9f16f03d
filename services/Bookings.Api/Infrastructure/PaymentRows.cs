using Bookings.Api.Model;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Npgsql;
using NpgsqlTypes;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace Bookings.Api.Infrastructure;

/// <summary>
/// A new payment's row written by hand, as <see cref="BookingRows"/> writes a new booking's (every purchase starts one): one
/// prepared statement that answers the row's version, instead of EF Core's update pipeline. The payment is then tracked as
/// stored, so the outcome of its charge is recorded through the model like any other change. A test holds the columns to the model's.
/// </summary>
public static class PaymentRows
{
    public static readonly string[] Columns =
    [
        "Id", "BookingId", "EventId", "UserId", "Amount", "Currency", "Status", "CardLast4", "GatewayReference", "FailureCode",
        "FailureMessage", "RefundedAmount", "RefundReason", "CreatedAt", "CompletedAt", "RefundedAt", "PromoCode", "Discount",
    ];

    private static readonly string InsertSql = Insert("payments", Columns) + " RETURNING xmin";

    /// <summary>Stores <paramref name="payment"/> (its own statement: committed before its charge is sent) and tracks it as stored.</summary>
    public static async Task InsertAsync(BookingsDbContext db, Payment payment, CancellationToken cancellationToken)
    {
        var version = await db.OnConnectionAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(InsertSql, connection);
            var p = command.Parameters;
            p.Add(Value(payment.Id));
            p.Add(Value(payment.BookingId));
            p.Add(Value(payment.EventId));
            p.Add(Value(payment.UserId));
            p.Add(Value(payment.Amount));
            p.Add(Text(payment.Currency));
            p.Add(Text(payment.Status.ToString()));
            p.Add(Text(payment.CardLast4));
            p.Add(Text(payment.GatewayReference));
            p.Add(Text(payment.FailureCode));
            p.Add(Text(payment.FailureMessage));
            p.Add(Value(payment.RefundedAmount));
            p.Add(Text(payment.RefundReason));
            p.Add(Value(payment.CreatedAt));
            p.Add(Nullable(payment.CompletedAt, NpgsqlDbType.TimestampTz));
            p.Add(Nullable(payment.RefundedAt, NpgsqlDbType.TimestampTz));
            p.Add(Text(payment.PromoCode));
            p.Add(Value(payment.Discount));
            return (uint)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

        db.Payments.Attach(payment).TrackStored(x => x.Version, version);
    }

    /// <summary>
    /// The entity is tracked as the row a hand-written statement just stored at <paramref name="version"/> (its <c>xmin</c>):
    /// nothing pending, and a later change is an UPDATE checked against that version.
    /// </summary>
    public static void TrackStored<T>(this EntityEntry<T> entry, Expression<Func<T, uint>> versionProperty, uint version) where T : class
    {
        entry.Property(versionProperty).CurrentValue = version;
        entry.OriginalValues.SetValues(entry.CurrentValues);
        entry.State = EntityState.Unchanged;
    }
}
