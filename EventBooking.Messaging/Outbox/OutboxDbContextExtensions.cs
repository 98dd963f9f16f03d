using System.Text.Json;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventBooking.Messaging;

/// <summary>The producer side of the transactional outbox.</summary>
public static class OutboxDbContextExtensions
{
    /// <summary>
    /// Adds <paramref name="event"/> to the context's outbox: it is stored by the next <c>SaveChangesAsync</c>,
    /// in the same transaction as the state change tracked alongside it, and published by the relay after that.
    /// Requires <c>modelBuilder.AddOutboxMessageEntity()</c>. Returns the row; its <see cref="OutboxMessage.Id"/>
    /// is the message id consumers see.
    /// </summary>
    public static OutboxMessage AddIntegrationEvent<T>(this DbContext db, T @event, Guid? messageId = null)
        where T : IIntegrationEvent
    {
        var message = db.NewOutboxMessage(@event, messageId);
        db.Set<OutboxMessage>().Add(message);
        return message;
    }

    /// <summary>
    /// The outbox row for <paramref name="event"/>, not tracked: for a use case that writes its work with statements of its
    /// own. It stores the row with <see cref="OutboxRows.InsertOf"/> in the transaction of that work and, once that committed,
    /// calls <see cref="SignalOutbox{TDbContext}"/>.
    /// </summary>
    public static OutboxMessage NewOutboxMessage<T>(this DbContext db, T @event, Guid? messageId = null)
        where T : IIntegrationEvent
    {
        ArgumentNullException.ThrowIfNull(@event);
        var services = ApplicationServices(db);
        var now = (services?.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var source = services?.GetService<IOptions<EventBusOptions>>()?.Value.ServiceName;
        var (traceParent, traceState, baggage) = MessagingTelemetry.CaptureCurrent();
        return new OutboxMessage
        {
            Id = messageId ?? Guid.CreateVersion7(now),
            Type = T.EventName,
            Source = string.IsNullOrEmpty(source) ? null : source,
            SchemaVersion = T.SchemaVersion,
            OccurredAt = now,
            Data = JsonSerializer.Serialize(@event, MessageSerializer.Options),
            TraceParent = traceParent,
            TraceState = traceState,
            Baggage = baggage,
            NextAttemptAt = now,
        };
    }

    /// <summary>
    /// Wakes this process's relay of <typeparamref name="TDbContext"/> at once, as a SaveChanges that stores outbox rows does:
    /// for outbox rows stored by statements of a use case's own, once their transaction committed.
    /// </summary>
    public static void SignalOutbox<TDbContext>(this TDbContext db) where TDbContext : DbContext =>
        ApplicationServices(db)?.GetService<OutboxSignal<TDbContext>>()?.Notify();

    private static IServiceProvider? ApplicationServices(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
}
