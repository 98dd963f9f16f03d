using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace EventBooking.Messaging;

/// <summary>What <see cref="EventBusExtensions.AddEventBus"/> returns: add outboxes, subscriptions and an inbox store to it.</summary>
public interface IEventBusBuilder
{
    IHostApplicationBuilder Builder { get; }

    IServiceCollection Services { get; }

    /// <summary>The service name (message source and consumer queue name).</summary>
    string ServiceName { get; }
}

/// <summary>Registration of the event bus in a service's <c>AddApplicationServices</c>.</summary>
public static class EventBusExtensions
{
    /// <summary>
    /// Adds the RabbitMQ event bus: the publisher (<see cref="IIntegrationEventPublisher"/>, confirms on), the consumer
    /// of queue <paramref name="serviceName"/> (started when subscriptions exist), the dead-letter queue
    /// (<see cref="IDeadLetterQueue"/>), metrics, tracing and the <c>messaging</c> health check. Uses the service's
    /// <c>IRabbitMQConnectionProvider</c> (registers <c>AddRabbitMQClientWithServiceDefaults(connectionName)</c> — Aspire's
    /// RabbitMQ client, set up to let the service start while the broker is down — if the service did not).
    /// Options bind from the <c>EventBus</c> section.
    /// </summary>
    public static IEventBusBuilder AddEventBus(this IHostApplicationBuilder builder, string connectionName, string serviceName, Action<EventBusOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IRabbitMQConnectionProvider)))
        {
            // This library emits the messaging spans itself; the client's own would only nest inside them.
            builder.AddRabbitMQClientWithServiceDefaults(connectionName, settings => settings.DisableTracing = true);
        }

        if (builder.Services.Any(d => d.ServiceType == typeof(SubscriptionRegistry)))
        {
            throw new InvalidOperationException("AddEventBus was called twice.");
        }

        builder.Services.AddOptions<EventBusOptions>()
            .Bind(builder.Configuration.GetSection(EventBusOptions.SectionName))
            .Configure(options =>
            {
                options.ServiceName = serviceName;
                configure?.Invoke(options);
            })
            .ValidateDataAnnotations()
            .Validate(o => o.RetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.RetryDelay, "EventBus retry delays must be positive and MaxRetryDelay >= RetryDelay.")
            .Validate(o => o.PublishTimeout > TimeSpan.Zero, "EventBus:PublishTimeout must be positive.")
            .ValidateOnStart();

        var registry = new SubscriptionRegistry();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<MessagingState>();
        builder.Services.AddSingleton<MessagingMetrics>();
        builder.Services.AddSingleton<RabbitMqPublisher>();
        builder.Services.AddSingleton<IIntegrationEventPublisher>(sp => sp.GetRequiredService<RabbitMqPublisher>());
        builder.Services.AddSingleton<IDeadLetterQueue, DeadLetterQueue>();
        builder.Services.AddHostedService<EventBusConsumer>();
        builder.Services.AddHealthChecks().AddCheck<MessagingHealthCheck>("messaging");
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(MessagingTelemetry.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(MessagingTelemetry.MeterName));
        return new EventBusBuilder(builder, serviceName, registry);
    }

    /// <summary>
    /// Runs a background relay of <typeparamref name="TDbContext"/>'s outbox table (<c>modelBuilder.AddOutboxMessageEntity()</c>);
    /// options bind from <c>EventBus:Outbox</c>. Safe with any number of replicas.
    /// </summary>
    public static IEventBusBuilder AddOutbox<TDbContext>(this IEventBusBuilder bus, Action<OutboxOptions>? configure = null)
        where TDbContext : DbContext
    {
        bus.Services.AddOptions<OutboxOptions>(typeof(TDbContext).Name)
            .Bind(bus.Builder.Configuration.GetSection(OutboxOptions.SectionName))
            .Configure(options => configure?.Invoke(options))
            .ValidateDataAnnotations()
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.LeaseDuration > TimeSpan.Zero && o.MinRetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.MinRetryDelay,
                "EventBus:Outbox intervals must be positive and MaxRetryDelay >= MinRetryDelay.")
            .ValidateOnStart();
        bus.Services.AddHostedService<OutboxRelay<TDbContext>>();
        bus.Services.TryAddSingleton<OutboxSignal<TDbContext>>();
        bus.Services.TryAddSingleton<OutboxSignalInterceptor<TDbContext>>();
        // Pooled contexts (Aspire's AddNpgsqlDbContext) build their options once from the root provider, hence Singleton.
        bus.Services.ConfigureDbContext<TDbContext>(
            (services, options) => options.AddInterceptors(services.GetRequiredService<OutboxSignalInterceptor<TDbContext>>()),
            ServiceLifetime.Singleton);
        return bus;
    }

    /// <summary>
    /// Binds <typeparamref name="TEvent"/>'s routing key to this service's queue and runs <typeparamref name="THandler"/>
    /// (scoped, from a fresh scope per delivery) for each message of it.
    /// </summary>
    public static IEventBusBuilder AddSubscription<TEvent, THandler>(this IEventBusBuilder bus)
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        ((EventBusBuilder)bus).Registry.Add<TEvent, THandler>();
        bus.Services.TryAddScoped<THandler>();
        return bus;
    }

    /// <summary>Registers <see cref="IInboxStore"/> backed by MongoDB (the <see cref="IMongoDatabase"/> of <c>AddMongoDBClient</c>).</summary>
    public static IEventBusBuilder AddMongoInbox(this IEventBusBuilder bus, string collectionName = MongoInboxStore.DefaultCollection)
    {
        bus.Services.AddSingleton<IInboxStore>(sp => new MongoInboxStore(sp.GetRequiredService<IMongoDatabase>(), sp.GetRequiredService<TimeProvider>(), collectionName));
        return bus;
    }

    /// <summary>
    /// Registers <see cref="IInboxStore"/> and <see cref="PostgresInboxStore"/> backed by the keyed
    /// <see cref="NpgsqlDataSource"/> <paramref name="connectionName"/> (registered here, if missing, with Aspire's
    /// <c>AddKeyedNpgsqlDataSource</c> and our pool defaults).
    /// </summary>
    public static IEventBusBuilder AddPostgresInbox(this IEventBusBuilder bus, string connectionName, string tableName = MessagingModelBuilderExtensions.InboxTable)
    {
        if (!bus.Services.Any(d => d.ServiceType == typeof(NpgsqlDataSource) && Equals(d.ServiceKey, connectionName)))
        {
            bus.Builder.AddKeyedNpgsqlDataSource(connectionName,
                settings => settings.ConnectionString = NpgsqlServiceDefaults.WithPoolDefaults(settings.ConnectionString));
        }

        bus.Services.AddSingleton(sp => new PostgresInboxStore(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(connectionName), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PostgresInboxStore>>(), tableName));
        bus.Services.AddSingleton<IInboxStore>(sp => sp.GetRequiredService<PostgresInboxStore>());
        return bus;
    }

    private sealed class EventBusBuilder(IHostApplicationBuilder builder, string serviceName, SubscriptionRegistry registry) : IEventBusBuilder
    {
        public IHostApplicationBuilder Builder => builder;

        public IServiceCollection Services => builder.Services;

        public string ServiceName => serviceName;

        public SubscriptionRegistry Registry => registry;
    }
}
