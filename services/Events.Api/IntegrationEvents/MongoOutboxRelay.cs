using System.Text.Json;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Events.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Events.Api.IntegrationEvents;

/// <summary>
/// The MongoDB store's outbox relay: integration events wait in their event document's <c>outbox</c> array (written in
/// the same single-document update as the change), are published with their stored id as the message id, then pulled.
/// A crash (or a second replica) between publish and pull republishes with the same id: consumers dedupe by it.
/// </summary>
public sealed partial class MongoOutboxRelay(MongoEventsDatabase database, IIntegrationEventPublisher publisher, TimeProvider time, ILogger<MongoOutboxRelay> logger)
    : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RelayAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRelayFailed(logger, ex);
            }
        }
    }

    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        var pending = await database.Events.Find(new BsonDocument("outbox.0", new BsonDocument("$exists", true)))
            .Project<EventDocument>(Builders<EventDocument>.Projection.Include(d => d.Outbox)).Limit(100).ToListAsync(cancellationToken);
        foreach (var document in pending)
        {
            foreach (var entry in document.Outbox)
            {
                _ = entry.Type switch
                {
                    "event.updated" => await publisher.PublishAsync(Deserialize<EventUpdated>(entry), cancellationToken, entry.Id),
                    "event.cancelled" => await publisher.PublishAsync(Deserialize<EventCancelled>(entry), cancellationToken, entry.Id),
                    _ => throw new InvalidOperationException($"Unknown outbox entry type {entry.Type}."),
                };
                await database.Events.UpdateOneAsync(MongoEventsDatabase.ById(document.Id),
                    new BsonDocument("$pull", new BsonDocument("outbox", new BsonDocument("id", MongoEventsDatabase.Id(entry.Id)))),
                    cancellationToken: cancellationToken);
            }
        }
    }

    private static T Deserialize<T>(OutboxElement entry) =>
        JsonSerializer.Deserialize<T>(entry.Data, Json) ?? throw new InvalidOperationException($"Outbox entry {entry.Id} is empty.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying the MongoDB outbox failed; retrying")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
