using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace EventBooking.Messaging;

/// <summary>
/// Background relay of one DbContext's outbox table. Each round it <b>leases</b> a batch of due rows in one statement
/// (<c>UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …</c>), so replicas never take the same
/// rows; publishes them concurrently on the confirm channel; marks the confirmed ones sent and gives the others
/// a backoff (<c>next_attempt_at</c>). A relay that dies leaves its lease to expire, then another one takes over.
/// A publish confirmed but not yet marked (crash in between) is published again: consumers dedupe by message id.
/// </summary>
internal sealed partial class OutboxRelay<TDbContext>(
    IServiceScopeFactory scopeFactory,
    RabbitMqPublisher publisher,
    OutboxSignal<TDbContext> signal,
    IOptionsMonitor<OutboxOptions> outboxOptions,
    IOptions<EventBusOptions> busOptions,
    MessagingMetrics metrics,
    MessagingState state,
    TimeProvider timeProvider,
    ILogger<OutboxRelay<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    private static readonly TimeSpan BacklogSampleInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);
    private readonly string _name = typeof(TDbContext).Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = outboxOptions.Get(_name);
        var nextSample = DateTimeOffset.MinValue;
        var nextCleanup = timeProvider.GetUtcNow() + TimeSpan.FromMinutes(1);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
                var table = TableOf(db);
                var now = timeProvider.GetUtcNow();
                if (now >= nextSample)
                {
                    await SampleBacklogAsync(db, table, stoppingToken);
                    nextSample = now + BacklogSampleInterval;
                }

                if (now >= nextCleanup && options.RetainSentFor is { } retain)
                {
                    await DeleteSentAsync(db, table, now - retain, stoppingToken);
                    nextCleanup = now + CleanupInterval;
                }

                var published = await RelayBatchAsync(db, table, options, stoppingToken);
                failures = 0;
                if (published < options.BatchSize)
                {
                    await signal.WaitAsync(options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException or TimeoutException)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 10))));
                LogRelayFailed(logger, ex, _name, delay);
                try
                {
                    await Task.Delay(delay, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    /// <summary>One round: lease, publish, record outcomes. Returns how many rows were leased.</summary>
    internal async Task<int> RelayBatchAsync(TDbContext db, string table, OutboxOptions options, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var rows = await LeaseAsync(db, table, options, now, cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        var outcomes = await Task.WhenAll(rows.Select(row => PublishAsync(row, cancellationToken)));
        var finished = timeProvider.GetUtcNow();
        var sent = new List<Guid>(rows.Count);
        var failed = new List<(Guid Id, DateTimeOffset Next, string Error)>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (outcomes[i] is null)
            {
                sent.Add(rows[i].Id);
                metrics.OutboxLag(finished - rows[i].OccurredAt);
            }
            else
            {
                var delay = Backoff(options, rows[i].Attempts);
                failed.Add((rows[i].Id, finished + delay, outcomes[i]!));
            }
        }

        // Marking must not be skipped because the host is stopping: the confirms are in.
        await MarkAsync(db, table, sent, failed, finished, CancellationToken.None);
        if (failed.Count > 0)
        {
            LogPublishFailed(logger, failed.Count, rows.Count, _name, failed[0].Error);
        }

        return rows.Count;
    }

    private async Task<string?> PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        try
        {
            var parent = MessagingTelemetry.Extract(row.TraceParent, row.TraceState, row.Baggage);
            await publisher.PublishEventAsync(
                new OutgoingMessage(row.Id, row.Type, row.Source ?? busOptions.Value.ServiceName, row.OccurredAt, row.SchemaVersion, row.Data, parent),
                cancellationToken);
            return null;
        }
        catch (PublishFailedException ex)
        {
            return $"{ex.Reason}: {ex.Message}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: release the lease (below) so another replica need not wait for it to expire.
            return "cancelled: the relay is stopping";
        }
    }

    private static TimeSpan Backoff(OutboxOptions options, int attempts)
    {
        var factor = Math.Pow(2, Math.Min(20, Math.Max(0, attempts - 1)));
        var milliseconds = Math.Min(options.MaxRetryDelay.TotalMilliseconds, options.MinRetryDelay.TotalMilliseconds * factor);
        // Jitter spreads replicas' retries after an outage.
        return TimeSpan.FromMilliseconds(milliseconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private async Task<List<OutboxMessage>> LeaseAsync(TDbContext db, string table, OutboxOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(db, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE {table} AS o SET locked_until = $1, attempts = o.attempts + 1
            FROM (SELECT id FROM {table}
                  WHERE sent_at IS NULL AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until <= $2)
                  ORDER BY next_attempt_at, id
                  LIMIT $3
                  FOR UPDATE SKIP LOCKED) AS due
            WHERE o.id = due.id
            RETURNING o.id, o.type, o.source, o.schema_version, o.occurred_at, o.data::text, o.trace_parent, o.trace_state, o.baggage, o.attempts
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = now + options.LeaseDuration, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = options.BatchSize });
        var rows = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxMessage
            {
                Id = reader.GetGuid(0),
                Type = reader.GetString(1),
                Source = reader.IsDBNull(2) ? null : reader.GetString(2),
                SchemaVersion = reader.GetInt32(3),
                OccurredAt = reader.GetFieldValue<DateTimeOffset>(4),
                Data = reader.GetString(5),
                TraceParent = reader.IsDBNull(6) ? null : reader.GetString(6),
                TraceState = reader.IsDBNull(7) ? null : reader.GetString(7),
                Baggage = reader.IsDBNull(8) ? null : reader.GetString(8),
                Attempts = reader.GetInt32(9),
            });
        }

        // Publish in creation order as far as concurrency allows.
        rows.Sort((a, b) => a.Id.CompareTo(b.Id));
        return rows;
    }

    private static async Task MarkAsync(TDbContext db, string table, List<Guid> sent, List<(Guid Id, DateTimeOffset Next, string Error)> failed, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(db, cancellationToken);
        if (sent.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                $"UPDATE {table} SET sent_at = $1, locked_until = NULL, last_error = NULL WHERE id = ANY($2)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = sent.ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (failed.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                $"""
                UPDATE {table} AS o SET locked_until = NULL, next_attempt_at = f.next, last_error = left(f.error, 2000)
                FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS f(id, next, error)
                WHERE o.id = f.id AND o.sent_at IS NULL
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = failed.Select(f => f.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = failed.Select(f => f.Next).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = failed.Select(f => f.Error).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task SampleBacklogAsync(TDbContext db, string table, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(db, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT count(*), min(occurred_at) FROM {table} WHERE sent_at IS NULL", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            state.SetOutbox(_name, reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
        }
    }

    private static async Task DeleteSentAsync(TDbContext db, string table, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(db, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE sent_at IS NOT NULL AND sent_at < $1 LIMIT 5000)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = before, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<NpgsqlConnection> OpenAsync(TDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        return db.Database.GetDbConnection() as NpgsqlConnection
            ?? throw new InvalidOperationException("The outbox relay needs a PostgreSQL (Npgsql) DbContext.");
    }

    internal static string TableOf(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(OutboxMessage))
            ?? throw new InvalidOperationException($"{db.GetType().Name} has no outbox table: call modelBuilder.AddOutboxMessageEntity() in OnModelCreating.");
        return InboxDbContextExtensions.QuoteTable(entity.GetSchema(), entity.GetTableName() ?? MessagingModelBuilderExtensions.OutboxTable);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Outbox} failed; retrying in {Delay}")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, string outbox, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failed} of {Total} outbox messages of {Outbox} were not confirmed and will be retried (first error: {Error})")]
    private static partial void LogPublishFailed(ILogger logger, int failed, int total, string outbox, string error);
}
