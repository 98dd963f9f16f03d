using System.Text.RegularExpressions;
using EventBooking.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static EventBooking.ServiceDefaults.NpgsqlStatements;

namespace EventBooking.Messaging;

/// <summary>The EF Core inbox: a message's effect and the record that it took effect commit together.</summary>
public static partial class InboxDbContextExtensions
{
    /// <summary>
    /// Runs <paramref name="effect"/> once per (<paramref name="messageId"/>, <paramref name="consumer"/>): inserts the
    /// inbox row, runs the effect, saves the context and commits, all in ONE transaction run through the execution
    /// strategy (so transient failures retry the whole unit). Returns false, without running the effect, when the
    /// message was already processed (or is being processed by a concurrent delivery, which then wins).
    /// The effect should only change entities through this context (it may call SaveChangesAsync itself); on a retry
    /// of the unit the change tracker is cleared first, so load what you change inside the effect.
    /// Requires <c>modelBuilder.AddInboxMessageEntity()</c>.
    /// </summary>
    public static async Task<bool> ProcessOnceAsync(this DbContext db, Guid messageId, string consumer, Func<CancellationToken, Task> effect, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentNullException.ThrowIfNull(effect);
        var (table, _, timeProvider) = InboxOf(db);
        var insert = "INSERT INTO " + table + " (message_id, consumer, processed_at) VALUES ({0}, {1}, {2}) ON CONFLICT DO NOTHING";

        var strategy = db.Database.CreateExecutionStrategy();
        var firstAttempt = true;
        return await strategy.ExecuteAsync(async ct =>
        {
            if (!firstAttempt)
            {
                db.ChangeTracker.Clear();
            }

            firstAttempt = false;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var inserted = await db.Database.ExecuteSqlRawAsync(insert, [messageId, consumer, timeProvider.GetUtcNow()], ct);
            if (inserted == 0)
            {
                await transaction.RollbackAsync(ct);
                return false;
            }

            await effect(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs the statements <paramref name="effect"/> makes once per (<paramref name="messageId"/>, <paramref name="consumer"/>),
    /// as ONE statement: each of the effect's statements a data-modifying CTE of the inbox row's INSERT (one round trip, one
    /// implicit transaction, no <c>BEGIN</c> or <c>COMMIT</c> of its own), under the execution strategy. A repeat fails the
    /// inbox's primary key, so nothing of the statement is kept, and returns false; a concurrent delivery waits for the first
    /// to commit or roll back, as with the other overload. (PostgreSQL logs that refusal as an error: once per redelivery.)
    /// The effect's statements are INSERT, UPDATE or DELETE (a CTE that only reads is not run), see one snapshot (none sees
    /// another's rows) and must not change one row twice. <paramref name="effect"/> is called for every attempt, so each gets
    /// statements of its own.
    /// </summary>
    public static Task<bool> ProcessOnceAsync(this DbContext db, Guid messageId, string consumer, Func<IEnumerable<NpgsqlBatchCommand>> effect,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentNullException.ThrowIfNull(effect);
        var (table, key, timeProvider) = InboxOf(db);
        var insert = "INSERT INTO " + table + " (message_id, consumer, processed_at) VALUES ($1, $2, $3)";
        return db.OnConnectionAsync(async (connection, ct) =>
        {
            var parts = new CompositeStatement();
            var count = 0;
            foreach (var statement in effect())
            {
                if (!DataModifying().IsMatch(statement.CommandText))
                {
                    throw new ArgumentException($"An effect's statement must be an INSERT, UPDATE or DELETE: {statement.CommandText}", nameof(effect));
                }

                parts.With($"effect{++count}", statement);
            }

            var inbox = new NpgsqlBatchCommand(insert) { Parameters = { Value(messageId), Text(consumer), Value(timeProvider.GetUtcNow()) } };
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { count == 0 ? inbox : parts.Then(inbox) } };
            try
            {
                await batch.ExecuteNonQueryAsync(ct);
                return true;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == key)
            {
                return false;
            }
        }, cancellationToken);
    }

    /// <summary>Whether (<paramref name="messageId"/>, <paramref name="consumer"/>) already took effect.</summary>
    public static Task<bool> IsProcessedAsync(this DbContext db, Guid messageId, string consumer, CancellationToken cancellationToken) =>
        db.Set<InboxMessage>().AnyAsync(m => m.MessageId == messageId && m.Consumer == consumer, cancellationToken);

    /// <summary>
    /// Deletes inbox rows processed before <paramref name="before"/> (call from a periodic sweeper). Keep them longer
    /// than any redelivery can take: retries, dead-letter replays and outbox republishing after an outage.
    /// </summary>
    public static Task<int> PurgeInboxAsync(this DbContext db, DateTimeOffset before, CancellationToken cancellationToken) =>
        db.Set<InboxMessage>().Where(m => m.ProcessedAt < before).ExecuteDeleteAsync(cancellationToken);

    /// <summary>The context's inbox table (quoted), the name of its primary key, and the clock its rows are stamped with.</summary>
    private static (string Table, string? Key, TimeProvider Time) InboxOf(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(InboxMessage))
            ?? throw new InvalidOperationException($"{db.GetType().Name} has no inbox table: call modelBuilder.AddInboxMessageEntity() in OnModelCreating.");
        var services = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        return (QuoteTable(entity.GetSchema(), entity.GetTableName() ?? MessagingModelBuilderExtensions.InboxTable), entity.FindPrimaryKey()?.GetName(),
            services?.GetService<TimeProvider>() ?? TimeProvider.System);
    }

    internal static string QuoteTable(string? schema, string table) =>
        schema is null ? Quote(table) : Quote(schema) + "." + Quote(table);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^\s*(INSERT|UPDATE|DELETE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DataModifying();
}
