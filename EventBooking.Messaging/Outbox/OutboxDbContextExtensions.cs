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
        ArgumentNullException.ThrowIfNull(@event);
        var services = db.GetService<IDbContextOptions>().FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?.ApplicationServiceProvider;
        var now = (services?.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var source = services?.GetService<IOptions<EventBusOptions>>()?.Value.ServiceName;
        var (traceParent, traceState, baggage) = MessagingTelemetry.CaptureCurrent();
        var message = new OutboxMessage
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
        db.Set<OutboxMessage>().Add(message);
        return message;
    }
}
