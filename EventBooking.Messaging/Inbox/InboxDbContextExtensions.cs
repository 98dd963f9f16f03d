using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EventBooking.Messaging;

/// <summary>The EF Core inbox: a message's effect and the record that it took effect commit together.</summary>
public static class InboxDbContextExtensions
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
        var entity = db.Model.FindEntityType(typeof(InboxMessage))
            ?? throw new InvalidOperationException($"{db.GetType().Name} has no inbox table: call modelBuilder.AddInboxMessageEntity() in OnModelCreating.");
        var table = QuoteTable(entity.GetSchema(), entity.GetTableName() ?? MessagingModelBuilderExtensions.InboxTable);
        var services = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        var timeProvider = services?.GetService<TimeProvider>() ?? TimeProvider.System;
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

    /// <summary>Whether (<paramref name="messageId"/>, <paramref name="consumer"/>) already took effect.</summary>
    public static Task<bool> IsProcessedAsync(this DbContext db, Guid messageId, string consumer, CancellationToken cancellationToken) =>
        db.Set<InboxMessage>().AnyAsync(m => m.MessageId == messageId && m.Consumer == consumer, cancellationToken);

    /// <summary>
    /// Deletes inbox rows processed before <paramref name="before"/> (call from a periodic sweeper). Keep them longer
    /// than any redelivery can take: retries, dead-letter replays and outbox republishing after an outage.
    /// </summary>
    public static Task<int> PurgeInboxAsync(this DbContext db, DateTimeOffset before, CancellationToken cancellationToken) =>
        db.Set<InboxMessage>().Where(m => m.ProcessedAt < before).ExecuteDeleteAsync(cancellationToken);

    internal static string QuoteTable(string? schema, string table) =>
        schema is null ? Quote(table) : Quote(schema) + "." + Quote(table);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
