using EventBooking.Messaging.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace EventBooking.Messaging;

/// <summary>Event names this service consumes and the handlers each one runs.</summary>
internal sealed class SubscriptionRegistry
{
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);

    public IEnumerable<string> EventNames => _subscriptions.Keys;

    public bool IsEmpty => _subscriptions.Count == 0;

    public Subscription? Find(string eventName) => _subscriptions.GetValueOrDefault(eventName);

    public void Add<TEvent, THandler>()
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        if (!_subscriptions.TryGetValue(TEvent.EventName, out var subscription))
        {
            subscription = new Subscription(TEvent.EventName, typeof(TEvent), TEvent.SchemaVersion);
            _subscriptions.Add(TEvent.EventName, subscription);
        }

        if (subscription.EventType != typeof(TEvent))
        {
            throw new InvalidOperationException($"Event name '{TEvent.EventName}' is used by both {subscription.EventType} and {typeof(TEvent)}.");
        }

        if (subscription.Handlers.All(h => h.HandlerType != typeof(THandler)))
        {
            subscription.Handlers.Add(new HandlerBinding(typeof(THandler), InvokeAsync<TEvent, THandler>));
        }
    }

    private static Task InvokeAsync<TEvent, THandler>(IServiceProvider services, RawEnvelope raw, DeliveryInfo delivery, CancellationToken cancellationToken)
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        var envelope = MessageSerializer.ToEnvelope<TEvent>(raw) with
        {
            TraceParent = delivery.TraceParent,
            TraceState = delivery.TraceState,
            Baggage = delivery.Baggage,
            DeliveryAttempt = delivery.Attempt,
        };
        return services.GetRequiredService<THandler>().HandleAsync(envelope, cancellationToken);
    }
}

internal sealed record Subscription(string EventName, Type EventType, int SchemaVersion)
{
    public List<HandlerBinding> Handlers { get; } = [];
}

internal sealed record HandlerBinding(Type HandlerType, Func<IServiceProvider, RawEnvelope, DeliveryInfo, CancellationToken, Task> InvokeAsync);

internal sealed record DeliveryInfo(int Attempt, string? TraceParent, string? TraceState, string? Baggage);
