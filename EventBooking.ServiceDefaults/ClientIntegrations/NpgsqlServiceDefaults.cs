using System.Diagnostics.CodeAnalysis;
using Aspire.Npgsql.EntityFrameworkCore.PostgreSQL;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// What EventBooking's services add to Aspire's PostgreSQL client integrations (Aspire.Npgsql.EntityFrameworkCore.PostgreSQL,
/// Aspire.Npgsql): pool defaults and load shedding. Aspire does the rest — settings from <c>ConnectionStrings:{name}</c> and
/// <c>Aspire:Npgsql:EntityFrameworkCore:PostgreSQL</c>, pooled contexts, health check, tracing, metrics, and the error naming
/// <c>ConnectionStrings:{name}</c> when the connection string is missing (raised when the context is first needed: at startup,
/// by <see cref="MigrationExtensions.AddMigration{TContext}"/>).
/// </summary>
public static class NpgsqlServiceDefaults
{
    /// <summary>
    /// Bound on Aspire's DbContext health check. It calls <c>CanConnectAsync</c> through the context's retrying execution
    /// strategy, so with the database down it would answer only after the strategy gave up, about a minute later.
    /// </summary>
    public static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Aspire's <c>AddNpgsqlDbContext</c> with <see cref="WithPoolDefaults"/> applied to the connection string and, unless
    /// <c>DisableRetry</c> is set, <see cref="ShedOverloadExecutionStrategy"/> in place of Aspire's retrying strategy (the same
    /// retries, except that an exhausted pool fails at once); its health check answers within <see cref="HealthCheckTimeout"/>.
    /// Code that opens its own transaction must run it through <c>Database.CreateExecutionStrategy()</c>.
    /// </summary>
    public static void AddNpgsqlDbContextWithServiceDefaults<TContext>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlEntityFrameworkCorePostgreSQLSettings>? configureSettings = null,
        Action<DbContextOptionsBuilder>? configureDbContextOptions = null)
        where TContext : DbContext
    {
        var shedOverload = false;
        builder.AddNpgsqlDbContext<TContext>(
            connectionName,
            settings =>
            {
                configureSettings?.Invoke(settings);
                settings.ConnectionString = WithPoolDefaults(settings.ConnectionString);
                // Aspire would call EnableRetryOnFailure; our strategy takes its place below.
                shedOverload = !settings.DisableRetry;
                settings.DisableRetry = true;
            },
            options =>
            {
                if (shedOverload)
                {
                    options.UseNpgsql(npgsql => npgsql.ExecutionStrategy(dependencies => new ShedOverloadExecutionStrategy(dependencies)));
                }

                configureDbContextOptions?.Invoke(options);
            });
        builder.Services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(registration => registration.Name == typeof(TContext).Name))
            {
                registration.Timeout = HealthCheckTimeout;
            }
        });
    }

    /// <summary>
    /// Pool settings for services whose pooled connections carry no session state (session advisory locks use a data source
    /// of their own, BookingLocks): <c>No Reset On Close</c> skips the <c>DISCARD ALL</c> PostgreSQL ran every time a
    /// connection went back to the pool (25 of the 64 statements per confirmed booking, measured with pg_stat_statements),
    /// and <c>Max Auto Prepare</c> lets the statements a service runs again and again be parsed and planned once per
    /// connection (DISCARD ALL threw those plans away). A connection string that sets either keeps its own value; a missing
    /// one stays missing (Aspire reports it).
    /// </summary>
    [return: NotNullIfNotNull(nameof(connectionString))]
    public static string? WithPoolDefaults(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

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
