using EventBooking.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Microsoft.Extensions.Hosting;

/// <summary>Settings of <see cref="RabbitMQClientExtensions.AddRabbitMQClient"/>, bound like Aspire's.</summary>
public sealed class RabbitMQClientSettings
{
    public string? ConnectionString { get; set; }
    /// <summary>How many times the first connection is attempted (with exponential backoff) before failing.</summary>
    public int MaxConnectRetryCount { get; set; } = 10;
    public bool DisableHealthChecks { get; set; }
    public bool DisableTracing { get; set; }
}

/// <summary>
/// Mirror of Aspire.RabbitMQ.Client over RabbitMQ.Client 7. Because the v7 client only connects
/// asynchronously, the connection is handed out by <see cref="IRabbitMQConnectionProvider"/>; it is
/// created on first use with retries and recovers by itself (automatic recovery) afterwards.
/// </summary>
public static class RabbitMQClientExtensions
{
    public const string DefaultConfigSectionName = "Aspire:RabbitMQ:Client";

    public static void AddRabbitMQClient(this IHostApplicationBuilder builder, string connectionName,
        Action<RabbitMQClientSettings>? configureSettings = null, Action<ConnectionFactory>? configureConnectionFactory = null)
    {
        var settings = new RabbitMQClientSettings();
        builder.Configuration.GetSection(DefaultConfigSectionName).Bind(settings);
        configureSettings?.Invoke(settings);
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName, settings.ConnectionString, DefaultConfigSectionName);

        builder.Services.AddSingleton<IConnectionFactory>(_ =>
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                AutomaticRecoveryEnabled = true,
                TopologyRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                ClientProvidedName = builder.Environment.ApplicationName,
            };
            configureConnectionFactory?.Invoke(factory);
            return factory;
        });
        builder.Services.AddSingleton<IRabbitMQConnectionProvider>(sp => new RabbitMQConnectionProvider(
            sp.GetRequiredService<IConnectionFactory>(), settings.MaxConnectRetryCount,
            sp.GetRequiredService<ILogger<RabbitMQConnectionProvider>>()));

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                $"rabbitmq-{connectionName}",
                sp => new RabbitMQHealthCheck(sp.GetRequiredService<IRabbitMQConnectionProvider>()),
                failureStatus: null,
                tags: null,
                timeout: TimeSpan.FromSeconds(5)));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource("RabbitMQ.Client.*"));
        }
    }

    private sealed class RabbitMQHealthCheck(IRabbitMQConnectionProvider provider) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connection = await provider.GetConnectionAsync(cancellationToken, waitForFirstConnection: false);
                if (!connection.IsOpen)
                {
                    return new HealthCheckResult(context.Registration.FailureStatus, "RabbitMQ connection is recovering.");
                }

                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException or TimeoutException or OperationCanceledException)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "RabbitMQ is unreachable.", ex);
            }
        }
    }
}

/// <summary>Hands out the service's one RabbitMQ connection.</summary>
public interface IRabbitMQConnectionProvider
{
    /// <summary>
    /// Returns the shared connection, creating it on first use. With <paramref name="waitForFirstConnection"/>
    /// false a failed first attempt throws at once instead of retrying with backoff.
    /// </summary>
    Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken, bool waitForFirstConnection = true);
}

internal sealed partial class RabbitMQConnectionProvider(IConnectionFactory factory, int maxRetries, ILogger<RabbitMQConnectionProvider> logger)
    : IRabbitMQConnectionProvider, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken, bool waitForFirstConnection = true)
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { } created)
            {
                return created;
            }

            var attempts = waitForFirstConnection ? Math.Max(1, maxRetries) : 1;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    _connection = await factory.CreateConnectionAsync(cancellationToken);
                    return _connection;
                }
                catch (BrokerUnreachableException ex) when (attempt < attempts)
                {
                    var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 200 * Math.Pow(2, attempt - 1)));
                    LogRetry(logger, ex, attempt, delay);
                    await Task.Delay(delay, cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ unreachable (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception exception, int attempt, TimeSpan delay);
}
