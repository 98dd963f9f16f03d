using System.Diagnostics;
using EventBooking.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using OpenTelemetry.Trace;

namespace EventBooking.ServiceDefaults;

/// <summary>Settings of <see cref="MongoDBClientExtensions.AddMongoDBClient"/>, bound like Aspire's.</summary>
public sealed class MongoDBSettings
{
    public string? ConnectionString { get; set; }
    public bool DisableHealthChecks { get; set; }
    public int? HealthCheckTimeout { get; set; }
    public bool DisableTracing { get; set; }
}

/// <summary>
/// The MongoDB client integration, shaped like Aspire.MongoDB.Driver (same method name, keys and settings), which cannot be
/// restored on the project's build machines; the day it can, that package replaces this file (the two must not be referenced
/// together: both define <c>AddMongoDBClient</c> in this namespace). Registers the client, the database the URI names, a
/// ping health check and command tracing.
/// </summary>
public static class MongoDBClientExtensions
{
    public const string DefaultConfigSectionName = "Aspire:MongoDB:Driver";
    public const string ActivitySourceName = "MongoDB.Driver.Core.Extensions.DiagnosticSources";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>
    /// Registers an <see cref="IMongoClient"/> for <c>ConnectionStrings:{connectionName}</c> and, when the URI names
    /// a database, that <see cref="IMongoDatabase"/>; adds a ping health check and command tracing.
    /// </summary>
    public static void AddMongoDBClient(this IHostApplicationBuilder builder, string connectionName, Action<MongoDBSettings>? configureSettings = null)
    {
        var settings = new MongoDBSettings();
        builder.Configuration.GetSection(DefaultConfigSectionName).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is string fromConnectionStrings)
        {
            settings.ConnectionString = fromConnectionStrings;
        }

        configureSettings?.Invoke(settings);
        var connectionString = ConnectionStrings.Require(settings.ConnectionString, connectionName, DefaultConfigSectionName);
        var url = MongoUrl.Create(connectionString);

        builder.Services.AddSingleton<IMongoClient>(_ =>
        {
            var clientSettings = MongoClientSettings.FromUrl(url);
            if (!settings.DisableTracing)
            {
                clientSettings.ClusterConfigurator = cluster => cluster.Subscribe(new CommandTracingSubscriber());
            }

            return new MongoClient(clientSettings);
        });

        if (!string.IsNullOrEmpty(url.DatabaseName))
        {
            builder.Services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName));
        }

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                $"mongodb-{connectionName}",
                sp => new MongoPingHealthCheck(sp.GetRequiredService<IMongoClient>()),
                failureStatus: null,
                tags: null,
                timeout: settings.HealthCheckTimeout is int ms ? TimeSpan.FromMilliseconds(ms) : null));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(ActivitySourceName));
        }
    }

    private sealed class MongoPingHealthCheck(IMongoClient client) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is MongoException or TimeoutException)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "MongoDB is unreachable.", ex);
            }
        }
    }

    /// <summary>Turns driver command events into client spans (database semantic conventions).</summary>
    private sealed class CommandTracingSubscriber : IEventSubscriber
    {
        private readonly ReflectionEventSubscriber _inner;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Activity> _activities = new();

        public CommandTracingSubscriber() => _inner = new ReflectionEventSubscriber(this);

        public bool TryGetEventHandler<TEvent>(out Action<TEvent> handler) => _inner.TryGetEventHandler(out handler);

        public void Handle(CommandStartedEvent @event)
        {
            var activity = Source.StartActivity($"{@event.CommandName} {@event.DatabaseNamespace?.DatabaseName}", ActivityKind.Client);
            if (activity is null)
            {
                return;
            }

            activity.SetTag("db.system", "mongodb");
            activity.SetTag("db.namespace", @event.DatabaseNamespace?.DatabaseName);
            activity.SetTag("db.operation.name", @event.CommandName);
            _activities[@event.RequestId] = activity;
        }

        public void Handle(CommandSucceededEvent @event)
        {
            if (_activities.TryRemove(@event.RequestId, out var activity))
            {
                activity.Dispose();
            }
        }

        public void Handle(CommandFailedEvent @event)
        {
            if (_activities.TryRemove(@event.RequestId, out var activity))
            {
                activity.SetStatus(ActivityStatusCode.Error, @event.Failure?.GetType().Name);
                activity.Dispose();
            }
        }
    }
}
