using Npgsql;
using NpgsqlTypes;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace EventBooking.Messaging;

/// <summary>
/// The statement that stores an outbox row (<see cref="OutboxDbContextExtensions.NewOutboxMessage"/>), for a use case that
/// writes its work with statements of its own: in the same transaction, so the event is stored exactly when the work is.
/// The columns are <see cref="MessagingModelBuilderExtensions.AddOutboxMessageEntity"/>'s (a test compares them), in the
/// connection's default schema, as every service maps its outbox today.
/// </summary>
public static class OutboxRows
{
    public static readonly string[] Columns =
    [
        "id", "type", "source", "schema_version", "occurred_at", "data", "trace_parent", "trace_state", "baggage", "attempts",
        "next_attempt_at", "locked_until", "sent_at", "last_error",
    ];

    // INSERT … SELECT, so a statement that writes the row only on a condition can append its WHERE.
    private static readonly string InsertSql = InsertSelect(MessagingModelBuilderExtensions.OutboxTable, Columns);

    public static NpgsqlBatchCommand InsertOf(OutboxMessage message) => new(InsertSql)
    {
        Parameters =
        {
            Value(message.Id),
            Text(message.Type),
            Text(message.Source),
            Value(message.SchemaVersion),
            Value(message.OccurredAt),
            new NpgsqlParameter { Value = message.Data, NpgsqlDbType = NpgsqlDbType.Jsonb },
            Text(message.TraceParent),
            Text(message.TraceState),
            Text(message.Baggage),
            Value(message.Attempts),
            Value(message.NextAttemptAt),
            Nullable(message.LockedUntil, NpgsqlDbType.TimestampTz),
            Nullable(message.SentAt, NpgsqlDbType.TimestampTz),
            Text(message.LastError),
        },
    };
}
