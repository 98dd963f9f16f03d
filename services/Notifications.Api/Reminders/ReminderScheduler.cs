using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Notifications.Api.Infrastructure;
using Notifications.Api.IntegrationEvents;

namespace Notifications.Api.Reminders;

public sealed class ReminderOptions
{
    public const string Section = "Reminders";

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Sends each booking's reminder once, 24 h before its event: claims due reminders with a lease (safe with several
/// replicas), writes the reminder notification (idempotent: its id derives from event, start time and user) and
/// records it sent for that start time. A replica that dies mid-way leaves the lease to expire; the retry dedupes.
/// </summary>
public sealed partial class ReminderScheduler(
    IServiceScopeFactory scopes, IOptions<ReminderOptions> options, TimeProvider time, ILogger<ReminderScheduler> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.CreateVersion7():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SendDueAsync(stoppingToken) >= options.Value.BatchSize)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
        }
    }

    /// <summary>Sends one batch of due reminders; returns how many were claimed.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<INotificationStore>();
        var ingestor = scope.ServiceProvider.GetRequiredService<NotificationIngestor>();
        var due = await store.ClaimDueRemindersAsync(new Lease(_owner, time.GetUtcNow(), options.Value.LeaseDuration), options.Value.BatchSize, cancellationToken);
        foreach (var reminder in due)
        {
            await ingestor.RemindAsync(reminder, cancellationToken);
            await store.CompleteReminderAsync(reminder.BookingId, _owner, reminder.StartsAt, cancellationToken);
        }

        if (due.Count > 0)
        {
            LogSent(logger, due.Count);
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} event reminders")]
    private static partial void LogSent(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending event reminders failed; retrying after the poll interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
