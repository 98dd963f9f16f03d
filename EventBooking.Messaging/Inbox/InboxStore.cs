using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;
using Npgsql;

namespace EventBooking.Messaging;

/// <summary>
/// Inbox for services that keep documents (MongoDB, or PostgreSQL tables written without EF Core).
/// Without a transaction spanning the effect and the inbox record, the rule is: <b>the effect itself must be keyed
/// by the message id</b> (e.g. insert the notification with <c>_id</c> derived from the message id, or a conditional
/// single-document update that records the message id in the document), so running it twice is harmless; the
/// inbox then only saves the repeated work. <see cref="InboxStoreExtensions.ProcessOnceAsync"/> does exactly that.
/// With PostgreSQL, <see cref="PostgresInboxStore.ProcessOnceAsync(Guid, string, Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task}, CancellationToken)"/>
/// also gives a real transaction.
/// </summary>
public interface IInboxStore
{
    /// <summary>Whether the message already took effect for this consumer.</summary>
    Task<bool> IsProcessedAsync(Guid messageId, string consumer, CancellationToken cancellationToken);

    /// <summary>Records that it took effect; false when it was recorded before (idempotent).</summary>
    Task<bool> MarkProcessedAsync(Guid messageId, string consumer, CancellationToken cancellationToken);
}

public static class InboxStoreExtensions
{
    /// <summary>
    /// Skips (returns false) a message already recorded; otherwise runs the <paramref name="idempotentEffect"/>, records
    /// the message, and returns true. If the process dies between the two, the redelivery runs the effect again:
    /// that is why it must be keyed by the message id.
    /// </summary>
    public static async Task<bool> ProcessOnceAsync(this IInboxStore inbox, Guid messageId, string consumer, Func<CancellationToken, Task> idempotentEffect,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        ArgumentNullException.ThrowIfNull(idempotentEffect);
        if (await inbox.IsProcessedAsync(messageId, consumer, cancellationToken))
        {
            return false;
        }

        await idempotentEffect(cancellationToken);
        await inbox.MarkProcessedAsync(messageId, consumer, cancellationToken);
        return true;
    }
}

/// <summary>MongoDB inbox: collection <c>inbox_messages</c>, one document per (message, consumer), <c>_id</c> = "consumer:messageId".</summary>
public sealed class MongoInboxStore(IMongoDatabase database, TimeProvider timeProvider, string collectionName = MongoInboxStore.DefaultCollection) : IInboxStore
{
    public const string DefaultCollection = "inbox_messages";

    private readonly IMongoCollection<MongoInboxRecord> _collection = database.GetCollection<MongoInboxRecord>(collectionName);

    public async Task<bool> IsProcessedAsync(Guid messageId, string consumer, CancellationToken cancellationToken) =>
        await _collection.Find(r => r.Id == Key(messageId, consumer)).AnyAsync(cancellationToken);

    public async Task<bool> MarkProcessedAsync(Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        try
        {
            await _collection.InsertOneAsync(
                new MongoInboxRecord { Id = Key(messageId, consumer), MessageId = messageId.ToString(), Consumer = consumer, ProcessedAt = timeProvider.GetUtcNow().UtcDateTime },
                cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    private static string Key(Guid messageId, string consumer) => consumer + ":" + messageId.ToString("N");
}

/// <summary>A MongoDB inbox record.</summary>
public sealed class MongoInboxRecord
{
    [BsonId]
    public string Id { get; set; } = "";

    public string MessageId { get; set; } = "";

    public string Consumer { get; set; } = "";

    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime ProcessedAt { get; set; }

    [BsonExtraElements]
    public BsonDocument? Extra { get; set; }
}

/// <summary>
/// PostgreSQL inbox over an <see cref="NpgsqlDataSource"/> (table <c>inbox_messages</c>, created if missing), for
/// services that write SQL themselves. Offers a transactional <c>ProcessOnceAsync</c> as well.
/// </summary>
public sealed partial class PostgresInboxStore(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<PostgresInboxStore> logger,
    string tableName = MessagingModelBuilderExtensions.InboxTable) : IInboxStore, IDisposable
{
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly string _table = InboxDbContextExtensions.QuoteTable(null, tableName);
    private volatile bool _created;

    /// <summary>Creates the table if it does not exist (done on first use; call at startup to fail early).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await using var command = dataSource.CreateCommand(
                    $"CREATE TABLE IF NOT EXISTS {_table} (message_id uuid NOT NULL, consumer varchar(200) NOT NULL, processed_at timestamptz NOT NULL, PRIMARY KEY (message_id, consumer))");
                await command.ExecuteNonQueryAsync(cancellationToken);
                _created = true;
                LogCreated(logger, _table);
            }
        }
        finally
        {
            _createGate.Release();
        }
    }

    public async Task<bool> IsProcessedAsync(Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {_table} WHERE message_id = $1 AND consumer = $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = messageId });
        command.Parameters.Add(new NpgsqlParameter { Value = consumer });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> MarkProcessedAsync(Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertAsync(connection, null, messageId, consumer, cancellationToken);
    }

    /// <summary>
    /// Inbox row and effect in one PostgreSQL transaction: the effect receives the connection and transaction to run
    /// its commands in. Returns false (effect not run) when the message was already processed.
    /// </summary>
    public async Task<bool> ProcessOnceAsync(Guid messageId, string consumer, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> effect,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        await EnsureCreatedAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await InsertAsync(connection, transaction, messageId, consumer, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await effect(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<bool> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_table} (message_id, consumer, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = messageId });
        command.Parameters.Add(new NpgsqlParameter { Value = consumer });
        command.Parameters.Add(new NpgsqlParameter { Value = timeProvider.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public void Dispose() => _createGate.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inbox table {Table} ready")]
    private static partial void LogCreated(ILogger logger, string table);
}
