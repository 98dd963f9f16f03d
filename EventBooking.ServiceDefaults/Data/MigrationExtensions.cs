using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EventBooking.ServiceDefaults;

/// <summary>Applies EF Core migrations (then an optional seeder) before the service takes traffic.</summary>
public static partial class MigrationExtensions
{
    private static readonly ActivitySource Source = new(Telemetry.EventBookingActivitySourceName);

    public static IServiceCollection AddMigration<TContext>(this IServiceCollection services,
        Func<TContext, IServiceProvider, CancellationToken, Task>? seeder = null)
        where TContext : DbContext
        => services.AddHostedService(sp => new MigrationHostedService<TContext>(sp, seeder));

    private sealed partial class MigrationHostedService<TContext>(IServiceProvider services,
        Func<TContext, IServiceProvider, CancellationToken, Task>? seeder) : IHostedService
        where TContext : DbContext
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            using var activity = Source.StartActivity($"Migrate {typeof(TContext).Name}");
            var logger = services.GetRequiredService<ILogger<TContext>>();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var scope = services.CreateAsyncScope();
                    var context = scope.ServiceProvider.GetRequiredService<TContext>();
                    // The history table first: EF's first query reads it, and on a new database that query failed and was
                    // logged as an error (a red badge on every service in the dashboard) before EF created the table itself.
                    await context.Database.ExecuteSqlRawAsync(context.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
                    await context.Database.MigrateAsync(cancellationToken);
                    if (seeder is not null)
                    {
                        await seeder(context, scope.ServiceProvider, cancellationToken);
                    }

                    LogMigrated(logger, typeof(TContext).Name);
                    return;
                }
                catch (Exception ex) when (attempt < 10 && ex is NpgsqlException or TimeoutException or InvalidOperationException { InnerException: NpgsqlException })
                {
                    var delay = TimeSpan.FromMilliseconds(Math.Min(5_000, 250 * Math.Pow(2, attempt - 1)));
                    LogRetry(logger, ex, typeof(TContext).Name, attempt, delay);
                    await Task.Delay(delay, cancellationToken);
                }
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema of {Context} is up to date")]
    private static partial void LogMigrated(ILogger logger, string context);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migrating {Context} failed (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception exception, string context, int attempt, TimeSpan delay);
}
