using Bookings.Api.Model;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Npgsql;
using NpgsqlTypes;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace Bookings.Api.Infrastructure;

/// <summary>
/// A new payment's row and the outcome of its charge written by hand, as <see cref="BookingRows"/> writes a new booking's (every
/// purchase makes both): each one prepared statement that answers the row's version, instead of EF Core's update pipeline.
/// The payment is tracked as stored after each, so any later change goes through the model, checked against that version.
/// A test holds the columns to the model's and the outcome's to what <see cref="Payment.Succeed"/> and <see cref="Payment.Fail"/> change.
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

    /// <summary>What <see cref="Payment.Succeed"/> and <see cref="Payment.Fail"/> change: the columns the outcome's UPDATE sets.</summary>
    public static readonly string[] OutcomeColumns = ["Status", "GatewayReference", "FailureCode", "FailureMessage", "CompletedAt"];

    // $1 the payment, then OutcomeColumns' values in their order, then the version it was stored or read at.
    private static readonly string OutcomeSql =
        $"""UPDATE payments SET {string.Join(", ", OutcomeColumns.Select((c, i) => $"\"{c}\" = ${i + 2}"))} WHERE "Id" = $1 AND xmin = ${OutcomeColumns.Length + 2} RETURNING xmin""";

    /// <summary>
    /// Stores the outcome of <paramref name="payment"/>'s charge (already <see cref="Payment.Succeed"/>ed or
    /// <see cref="Payment.Fail"/>ed in memory; tracked, with no other change pending) and tracks it as stored.
    /// </summary>
    /// <exception cref="DbUpdateConcurrencyException">The payment changed since it was stored or read: nothing was written.</exception>
    public static async Task RecordOutcomeAsync(BookingsDbContext db, Payment payment, CancellationToken cancellationToken)
    {
        var entry = db.Entry(payment); // detects the entity's changes (AutoDetectChangesEnabled)
        if (entry.Properties.FirstOrDefault(p => p.IsModified && !OutcomeColumns.Contains(p.Metadata.Name)) is { } other)
        {
            throw new InvalidOperationException($"Payment {payment.Id}: {other.Metadata.Name} changed with the outcome; only the outcome is written here.");
        }

        var statement = new NpgsqlBatchCommand(OutcomeSql)
        {
            Parameters =
            {
                Value(payment.Id),
                Text(payment.Status.ToString()),
                Text(payment.GatewayReference),
                Text(payment.FailureCode),
                Text(payment.FailureMessage),
                Nullable(payment.CompletedAt, NpgsqlDbType.TimestampTz),
                new NpgsqlParameter<uint> { TypedValue = entry.Property(p => p.Version).OriginalValue, NpgsqlDbType = NpgsqlDbType.Xid },
            },
        };
        if (await db.ExecuteScalarAsync(statement, cancellationToken) is not uint stored)
        {
            throw new DbUpdateConcurrencyException($"Payment {payment.Id} changed since it was read; its outcome was not written.");
        }

        entry.TrackStored(p => p.Version, stored);
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
