using MailKit;
using EventBooking.Messaging;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;

namespace Notifications.Api.Email;

/// <summary>
/// The background email sender: claims due emails from the durable queue in the store (a lease, so several replicas
/// never send the same email at once), sends them over SMTP, and records sent / retry-with-backoff / failed on the
/// notification. An SMTP outage only delays emails: they stay pending in the store until a later attempt succeeds.
/// </summary>
public sealed partial class EmailDispatcher(
    IServiceScopeFactory scopes,
    EmailQueueSignal signal,
    EmailTemplates templates,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<EmailDispatcher> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.CreateVersion7():N}";
    // One SMTP connection per lane, reused across batches (connect, EHLO and QUIT per email cost as much as the send).
    private readonly SmtpSession[] _sessions = [.. Enumerable.Range(0, options.Value.Concurrency).Select(_ => new SmtpSession(options, time))];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            foreach (var session in _sessions)
            {
                await session.DisposeAsync();
            }
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int processed;
            try
            {
                processed = await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogLoopFailed(logger, ex);
                processed = 0;
            }

            if (processed < options.Value.BatchSize)
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Sends one batch of due emails (on up to <see cref="EmailOptions.Concurrency"/> SMTP sessions); returns how many were claimed.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        IReadOnlyList<Notification> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<INotificationStore>();
            claimed = await store.ClaimDueEmailsAsync(new Lease(_owner, time.GetUtcNow(), settings.LeaseDuration), settings.BatchSize, cancellationToken);
        }

        if (claimed.Count == 0)
        {
            return 0;
        }

        var policy = new EmailRetryPolicy(settings.MaxAttempts, settings.RetryBaseDelay, settings.RetryMaxDelay);
        // One lookup of the batch's recipients, shared by every email of it (each awaits it, so a failure counts for each).
        await using var lookup = scopes.CreateAsyncScope();
        var contacts = lookup.ServiceProvider.GetRequiredService<IUserDirectory>().FindAsync([.. claimed.Select(n => n.UserId)], cancellationToken);
        // Likewise one events-api lookup per event whose calendar entry goes with an email of the batch.
        var calendars = CalendarEntriesAsync(lookup.ServiceProvider.GetRequiredService<IEventDirectory>(), claimed, cancellationToken);
        // And one read of the recipients' preferences: whether they want an email of its kind is asked now that it is due.
        var preferences = lookup.ServiceProvider.GetRequiredService<INotificationStore>()
            .GetPreferencesAsync([.. claimed.Select(n => n.UserId).Distinct()], cancellationToken);

        var lanes = Math.Min(_sessions.Length, claimed.Count);
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(async lane =>
        {
            // Each lane has its own scope (DbContext) and SMTP session; emails are dealt round-robin.
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<INotificationStore>();
            var smtp = _sessions[lane];
            for (var i = lane; i < claimed.Count; i += lanes)
            {
                await SendOneAsync(store, preferences, contacts, calendars, smtp, policy, claimed[i], cancellationToken);
            }
        }));
        return claimed.Count;
    }

    /// <summary>The current calendar entry of each event the batch's emails carry one of (null: events-api no longer knows the event).</summary>
    private static async Task<IReadOnlyDictionary<Guid, CalendarEntry?>> CalendarEntriesAsync(
        IEventDirectory events, IReadOnlyList<Notification> claimed, CancellationToken cancellationToken)
    {
        var ids = claimed.Where(n => n.Calendar is not null).Select(n => n.EventId).OfType<Guid>().Distinct().ToList();
        var entries = await Task.WhenAll(ids.Select(id => events.CalendarEntryAsync(id, cancellationToken)));
        return ids.Zip(entries).ToDictionary(pair => pair.First, pair => pair.Second);
    }

    private async Task SendOneAsync(INotificationStore store, Task<IReadOnlyDictionary<Guid, NotificationPreferences>> preferences,
        Task<IReadOnlyDictionary<Guid, UserContact>> contacts, Task<IReadOnlyDictionary<Guid, CalendarEntry?>> calendars, SmtpSession smtp,
        EmailRetryPolicy policy, Notification notification, CancellationToken cancellationToken)
    {
        try
        {
            // The user switched off emails of this kind (before it was due: a change after the notification was stored counts).
            if ((await preferences).GetValueOrDefault(notification.UserId) is { } chosen && !chosen.WantsEmail(notification.Kind))
            {
                await store.MarkEmailFailedAsync(notification.Id, _owner, EmailStatus.Skipped, null, "The user switched off email for this kind of notification.", cancellationToken);
                return;
            }

            // users-api has the say on the address and on the profile-wide email opt-out; the address an event carried
            // is the fallback when users-api does not know the user. users-api unreachable: retried like an SMTP failure.
            var contact = (await contacts).GetValueOrDefault(notification.UserId);
            if (contact is { EmailNotifications: false })
            {
                await store.MarkEmailFailedAsync(notification.Id, _owner, EmailStatus.Skipped, null, "The user switched off email in their profile.", cancellationToken);
                return;
            }

            var recipient = contact
                ?? (notification.RecipientEmail is { Length: > 0 } known ? new UserContact(notification.UserId, known, notification.RecipientName) : null);
            if (recipient is null)
            {
                await store.MarkEmailFailedAsync(notification.Id, _owner, EmailStatus.Failed, null, "The recipient has no known email address.", cancellationToken);
                LogNoAddress(logger, notification.Id, notification.UserId);
                return;
            }

            // events-api unreachable: retried like users-api. An event it no longer knows: the email goes without a calendar entry.
            var calendar = notification is { Calendar: not null, EventId: { } eventId } ? (await calendars).GetValueOrDefault(eventId) : null;
            var message = templates.Render(notification, recipient.Email, recipient.DisplayName, calendar, recipient.PreferredLanguage);
            await smtp.SendAsync(message, cancellationToken);
            await store.MarkEmailSentAsync(notification.Id, _owner, recipient.Email, time.GetUtcNow(), cancellationToken);
            LogSent(logger, notification.Id, notification.Kind);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or HttpRequestException or TimeoutException
            or (OperationCanceledException and not TaskCanceledException { CancellationToken.IsCancellationRequested: true }))
        {
            var attempt = notification.EmailAttempts + 1;
            var outcome = policy.AfterFailure(attempt, time.GetUtcNow());
            await store.MarkEmailFailedAsync(notification.Id, _owner, outcome.Status, outcome.NextAttemptAt, $"{ex.GetType().Name}: {ex.Message}", CancellationToken.None);
            LogAttemptFailed(logger, notification.Id, attempt, outcome.Status, outcome.NextAttemptAt, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Email of notification {NotificationId} ({Kind}) accepted by SMTP")]
    private static partial void LogSent(ILogger logger, Guid notificationId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email of notification {NotificationId}: attempt {Attempt} failed, now {Status}, next attempt at {NextAttemptAt}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid notificationId, int attempt, EmailStatus status, DateTimeOffset? nextAttemptAt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email of notification {NotificationId} not sent: user {UserId} has no known address")]
    private static partial void LogNoAddress(ILogger logger, Guid notificationId, Guid userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The email sender's loop failed; retrying after the poll interval")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
