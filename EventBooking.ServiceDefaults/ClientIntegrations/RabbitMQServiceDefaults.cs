using Aspire.RabbitMQ.Client;
using EventBooking.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace EventBooking.ServiceDefaults;

/// <summary>Aspire's RabbitMQ client integration, set up so that a service starts and stays correct while the broker is down.</summary>
public static class RabbitMQServiceDefaults
{
    public const string DefaultConfigSectionName = "Aspire:RabbitMQ:Client";

    /// <summary>
    /// Aspire's <c>AddRabbitMQClient</c> (connection factory, singleton <see cref="IConnection"/>, <c>RabbitMQ.Client</c> health
    /// check, tracing, client logs; settings from <c>ConnectionStrings:{name}</c> and <c>Aspire:RabbitMQ:Client</c>) plus
    /// <see cref="IRabbitMQConnectionProvider"/>, through which the event bus takes the connection.
    /// </summary>
    /// <remarks>
    /// Aspire's connection is created synchronously the first time it is resolved, retried with blocking Polly delays, and — with
    /// auto activation on — resolved while the host starts: a broker that is down would stall or fail startup. So here:
    /// <list type="bullet">
    /// <item><c>DisableAutoActivation</c>: nothing connects at startup; the service starts and <c>/alive</c> answers with the broker down.</item>
    /// <item><c>MaxConnectRetryCount = 0</c>: a resolve makes one attempt and throws at once (no thread sleeps in Polly); nothing caches
    /// a failed singleton, so the next resolve tries again.</item>
    /// <item><see cref="IRabbitMQConnectionProvider"/> resolves the connection on the thread pool, never on its caller's thread, shares one
    /// attempt among concurrent callers and hands back the failure. Callers own the backoff: the consumer retries with exponential backoff
    /// (up to 15 s), the outbox relay keeps its rows and retries them later, a dead-letter API call fails.</item>
    /// <item>Aspire's health check resolves the connection on each probe: with the broker down one fast attempt fails and <c>/health</c> is
    /// Unhealthy (the check is not tagged live, so <c>/alive</c> stays Healthy); once connected it opens a channel per probe, which fails
    /// while the connection is recovering.</item>
    /// <item>Once created, the connection is never replaced: automatic and topology recovery (forced on) reconnect it after an outage every
    /// <c>NetworkRecoveryInterval</c> (2 s), and publishing and consuming resume on it.</item>
    /// </list>
    /// Aspire's RabbitMQ integration does not check that a connection string exists (it would connect to localhost); this does.
    /// </remarks>
    public static void AddRabbitMQClientWithServiceDefaults(this IHostApplicationBuilder builder, string connectionName,
        Action<RabbitMQClientSettings>? configureSettings = null, Action<ConnectionFactory>? configureConnectionFactory = null)
    {
        builder.AddRabbitMQClient(
            connectionName,
            settings =>
            {
                configureSettings?.Invoke(settings);
                ConnectionStrings.Require(settings.ConnectionString, connectionName, DefaultConfigSectionName);
                settings.DisableAutoActivation = true;
                settings.MaxConnectRetryCount = 0;
            },
            factory =>
            {
                factory.ClientProvidedName ??= builder.Environment.ApplicationName;
                factory.AutomaticRecoveryEnabled = true;
                factory.TopologyRecoveryEnabled = true;
                factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(2);
                configureConnectionFactory?.Invoke(factory);
            });
        builder.Services.AddSingleton<IRabbitMQConnectionProvider, RabbitMQConnectionProvider>();
    }
}

/// <summary>Hands out the service's one RabbitMQ connection (Aspire's <see cref="IConnection"/> singleton) without blocking the caller.</summary>
public interface IRabbitMQConnectionProvider
{
    /// <summary>
    /// Returns the connection (which may be recovering: check <see cref="IConnection.IsOpen"/>). Until one has been made, each call
    /// waits for one connection attempt and throws its failure (e.g. <c>BrokerUnreachableException</c>); retrying is the caller's part.
    /// </summary>
    Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken);
}

internal sealed class RabbitMQConnectionProvider(IServiceProvider services) : IRabbitMQConnectionProvider
{
    private readonly Lock _gate = new();
    private Task<IConnection>? _connecting;

    public Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_connecting is null or { IsFaulted: true })
            {
                // Aspire's factory connects synchronously: on the thread pool, a caller's thread never waits on the socket.
                _connecting = Task.Run(() => services.GetRequiredService<IConnection>(), CancellationToken.None);
            }

            return _connecting.WaitAsync(cancellationToken);
        }
    }
}
