using EventBooking.ServiceDefaults;
using EventBooking.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Settings of <see cref="NpgsqlEntityFrameworkCoreExtensions.AddNpgsqlDbContext{TContext}"/>, bound like Aspire's.</summary>
public sealed class NpgsqlEntityFrameworkCorePostgreSQLSettings
{
    public string? ConnectionString { get; set; }
    public bool DisableHealthChecks { get; set; }
    public bool DisableTracing { get; set; }
    public bool DisableMetrics { get; set; }
    /// <summary>
    /// When false (the default) transient failures are retried by EF Core's execution strategy — except an exhausted
    /// connection pool, which fails at once (<see cref="ShedOverloadExecutionStrategy"/>).
    /// </summary>
    public bool DisableRetry { get; set; }
    public int? CommandTimeout { get; set; }
}

/// <summary>Mirror of Aspire.Npgsql.EntityFrameworkCore.PostgreSQL over the raw Npgsql EF Core provider.</summary>
public static class NpgsqlEntityFrameworkCoreExtensions
{
    public const string DefaultConfigSectionName = "Aspire:Npgsql:EntityFrameworkCore:PostgreSQL";

    /// <summary>
    /// Registers <typeparamref name="TContext"/> as a pooled DbContext over <c>ConnectionStrings:{connectionName}</c>,
    /// with a health check, Npgsql tracing and metrics, and retries of transient failures.
    /// Code that opens its own transaction must run it through <c>Database.CreateExecutionStrategy()</c>.
    /// </summary>
    public static void AddNpgsqlDbContext<TContext>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlEntityFrameworkCorePostgreSQLSettings>? configureSettings = null,
        Action<DbContextOptionsBuilder>? configureDbContextOptions = null)
        where TContext : DbContext
    {
        var settings = new NpgsqlEntityFrameworkCorePostgreSQLSettings();
        var section = builder.Configuration.GetSection(DefaultConfigSectionName);
        section.Bind(settings);
        section.GetSection(typeof(TContext).Name).Bind(settings);
        configureSettings?.Invoke(settings);

        var connectionString = WithPoolDefaults(ConnectionStrings.Require(builder.Configuration, connectionName, settings.ConnectionString, DefaultConfigSectionName));
        settings.ConnectionString = connectionString;

        builder.Services.AddDbContextPool<TContext>(options =>
        {
            options.UseNpgsql(connectionString, npgsql =>
            {
                if (!settings.DisableRetry)
                {
                    npgsql.ExecutionStrategy(dependencies => new ShedOverloadExecutionStrategy(dependencies));
                }

                if (settings.CommandTimeout is int timeout)
                {
                    npgsql.CommandTimeout(timeout);
                }
            });
            configureDbContextOptions?.Invoke(options);
        });

        if (!settings.DisableHealthChecks)
        {
            // A plain ping, outside EF's retrying execution strategy: a health probe must answer in seconds.
            var healthDataSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(connectionString));
            builder.Services.AddHealthChecks().Add(new Diagnostics.HealthChecks.HealthCheckRegistration(
                $"postgres-{connectionName}",
                _ => new NpgsqlDataSourceHealthCheck(healthDataSource.Value),
                failureStatus: null,
                tags: null,
                timeout: TimeSpan.FromSeconds(5)));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddNpgsql());
        }

        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter("Npgsql"));
        }
    }

    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> over <c>ConnectionStrings:{connectionName}</c> (the raw ADO.NET
    /// client, for stores that write SQL themselves), with a health check and tracing.
    /// </summary>
    public static void AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName, Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var connectionString = WithPoolDefaults(ConnectionStrings.Require(builder.Configuration, connectionName, builder.Configuration[$"Aspire:Npgsql:ConnectionString"], "Aspire:Npgsql"));
        builder.Services.AddKeyedSingleton(connectionName, (_, _) =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            configure?.Invoke(dataSourceBuilder);
            return dataSourceBuilder.Build();
        });
        builder.Services.AddHealthChecks().Add(new Diagnostics.HealthChecks.HealthCheckRegistration(
            $"postgres-{connectionName}",
            sp => new NpgsqlDataSourceHealthCheck(sp.GetRequiredKeyedService<NpgsqlDataSource>(connectionName)),
            failureStatus: null,
            tags: null));
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddNpgsql()).WithMetrics(metrics => metrics.AddMeter("Npgsql"));
    }

    /// <summary>
    /// Pool settings for services whose pooled connections carry no session state (session advisory locks use a data source
    /// of their own, BookingLocks): <c>No Reset On Close</c> skips the <c>DISCARD ALL</c> PostgreSQL ran every time a
    /// connection went back to the pool (25 of the 64 statements per confirmed booking, measured with pg_stat_statements),
    /// and <c>Max Auto Prepare</c> lets the statements a service runs again and again be parsed and planned once per
    /// connection (DISCARD ALL threw those plans away). A connection string that sets either keeps its own value.
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        return builder.ConnectionString;

        static bool Mentions(string connectionString, params string[] keywords) =>
            keywords.Any(keyword => connectionString.Contains(keyword, StringComparison.OrdinalIgnoreCase));
    }
}
