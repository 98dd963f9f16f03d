using Notifications.Api.Model;

namespace Notifications.Api.Tests;

/// <summary>The notification's own rules, without a store or a host.</summary>
public sealed class ModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Notification_ids_derive_from_the_cause_and_the_recipient_only()
    {
        var (message, user) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var id = Notification.IdFor(Notification.MessageSource(message), user);
        Assert.Equal(id, Notification.IdFor(Notification.MessageSource(message), user));
        Assert.NotEqual(id, Notification.IdFor(Notification.MessageSource(message), Guid.CreateVersion7()));
        Assert.NotEqual(id, Notification.IdFor(Notification.MessageSource(Guid.CreateVersion7()), user));
        Assert.Equal(8, id.Version);
    }

    [Fact]
    public void Email_retries_back_off_exponentially_up_to_the_cap_then_fail()
    {
        var now = DateTimeOffset.UnixEpoch;
        var policy = new EmailRetryPolicy(MaxAttempts: 5, BaseDelay: TimeSpan.FromSeconds(2), MaxDelay: TimeSpan.FromSeconds(10));
        Assert.Equal(new EmailFailure(EmailStatus.Pending, now.AddSeconds(2)), policy.AfterFailure(1, now));
        Assert.Equal(new EmailFailure(EmailStatus.Pending, now.AddSeconds(4)), policy.AfterFailure(2, now));
        Assert.Equal(new EmailFailure(EmailStatus.Pending, now.AddSeconds(10)), policy.AfterFailure(4, now));
        Assert.Equal(new EmailFailure(EmailStatus.Failed, null), policy.AfterFailure(5, now));
    }

    [Fact]
    public void Addressing_derives_the_id_from_the_cause_and_the_recipient()
    {
        var user = Guid.CreateVersion7();
        var first = new Notification().To("message:1", user, "a@example.test", "Ann");
        Assert.Equal((user, "a@example.test", "Ann"), (first.UserId, first.RecipientEmail, first.RecipientName));
        Assert.Equal(first.Id, new Notification().To("message:1", user).Id);
        Assert.NotEqual(first.Id, new Notification().To("message:2", user).Id);
        Assert.NotEqual(first.Id, new Notification().To("message:1", Guid.CreateVersion7()).Id);
    }

    [Fact]
    public void Accepting_dates_the_notification_and_queues_its_email_due_now()
    {
        // Whether the user wants it is asked when it is due (EmailDispatcher), not here.
        var accepted = new Notification { Kind = NotificationKind.EventReminder };
        accepted.Accept(Now);
        Assert.Equal((Now, EmailStatus.Pending, (DateTimeOffset?)Now), (accepted.CreatedAt, accepted.EmailStatus, accepted.EmailNextAttemptAt));
    }
}
