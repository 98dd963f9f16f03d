using EventBooking.Messaging.Contracts;
using Notifications.Api.Model;

namespace Notifications.Api.Tests;

/// <summary>Its own app and SMTP catcher: these tests stop the catcher.</summary>
public sealed class SmtpOutageApp(PostgresFixture postgres, RabbitMqFixture rabbit) : NotificationsApp(postgres, rabbit);

public sealed class SmtpOutageTests(SmtpOutageApp app) : IClassFixture<SmtpOutageApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_email_queued_while_SMTP_is_down_is_retried_and_sent_once_it_is_back()
    {
        var user = Guid.CreateVersion7();
        var messageId = Guid.CreateVersion7();
        var id = Notification.IdFor(Notification.MessageSource(messageId), user);
        await app.Smtp.Server.StopAsync(TestContext.Current.CancellationToken);
        try
        {
            await app.PublishAsync(IngestionTests.Confirmed(user), messageId);

            // Stored at once; the email keeps failing and stays pending (with its attempts counted) while SMTP is down.
            var failing = await Poll.ForAsync(async () => await app.FindAsync(user, id) is { EmailAttempts: >= 2 } n ? n : null,
                Timeout, "the email has failed at least twice", TestContext.Current.CancellationToken);
            Assert.Equal(EmailStatus.Pending, failing.EmailStatus);
            Assert.NotNull(failing.EmailLastError);
        }
        finally
        {
            await app.Smtp.Server.RestartAsync(TestContext.Current.CancellationToken);
        }

        var email = await app.WaitForEmailAsync(id, Timeout);
        Assert.Equal("Booking confirmed: Jazz night", email.Subject);
        var sent = await Poll.ForAsync(async () => await app.FindAsync(user, id) is { EmailStatus: EmailStatus.Sent } n ? n : null,
            Timeout, "the notification shows its email sent", TestContext.Current.CancellationToken);
        Assert.True(sent.EmailAttempts >= 3);
        Assert.Single(app.EmailsOf(id));
    }
}

/// <summary>An app that gives up after two attempts, to show the final state.</summary>
public sealed class GiveUpApp(PostgresFixture postgres, RabbitMqFixture rabbit) : NotificationsApp(postgres, rabbit)
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Email:MaxAttempts"] = "2";
}

public sealed class EmailGiveUpTests(GiveUpApp app) : IClassFixture<GiveUpApp>
{
    [Fact]
    public async Task After_its_last_attempt_an_email_shows_as_failed_and_the_notification_stays()
    {
        var user = Guid.CreateVersion7();
        var messageId = Guid.CreateVersion7();
        var id = Notification.IdFor(Notification.MessageSource(messageId), user);
        await app.Smtp.Server.StopAsync(TestContext.Current.CancellationToken);
        try
        {
            await app.PublishAsync(new BookingExpired(Guid.CreateVersion7(), Guid.CreateVersion7(), user, "late@example.test", "Jazz night", 1,
                Guid.CreateVersion7(), DateTimeOffset.UtcNow), messageId);
            var failed = await Poll.ForAsync(async () => await app.FindAsync(user, id) is { EmailStatus: EmailStatus.Failed } n ? n : null,
                TimeSpan.FromSeconds(30), "the email is marked failed", TestContext.Current.CancellationToken);
            Assert.Equal(2, failed.EmailAttempts);
            Assert.Equal(NotificationKind.BookingExpired, failed.Kind);
        }
        finally
        {
            await app.Smtp.Server.RestartAsync(TestContext.Current.CancellationToken);
        }
    }
}
