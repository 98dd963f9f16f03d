using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;
using Notifications.Api.Reminders;

namespace Notifications.Api.Tests;

/// <summary>Each integration event → the right notification in PostgreSQL and the right email in the SMTP catcher.</summary>
public sealed class IngestionTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private async Task<Notification> StoredAsync(Guid userId, Guid messageId)
    {
        var id = Notification.IdFor(Notification.MessageSource(messageId), userId);
        return await Poll.ForAsync(() => app.FindAsync(userId, id), Timeout, $"notification {id} is stored");
    }

    internal static BookingConfirmed Confirmed(Guid userId, DateTimeOffset? startsAt = null, Guid? eventId = null) => new(
        BookingId: Guid.CreateVersion7(), EventId: eventId ?? Guid.CreateVersion7(), UserId: userId, UserEmail: $"{userId:N}@example.test",
        UserName: "Ada Lovelace", EventTitle: "Jazz night", EventStartsAt: startsAt ?? DateTimeOffset.UtcNow.AddDays(10), Quantity: 2,
        Amount: new Money(90.00m, "EUR"), HoldId: Guid.CreateVersion7(),
        Tickets: [new TicketInfo(Guid.CreateVersion7(), "JN-0001", 1, "QR-CODE-0001"), new TicketInfo(Guid.CreateVersion7(), "JN-0002", 2, "QR-CODE-0002")],
        ConfirmedAt: DateTimeOffset.UtcNow);

    private async Task<(Notification Notification, MimeMessage Email)> StoredAndEmailed(Guid userId, Guid messageId)
    {
        var id = Notification.IdFor(Notification.MessageSource(messageId), userId);
        var email = await app.WaitForEmailAsync(id);
        var notification = await Poll.ForAsync(async () => await app.FindAsync(userId, id) is { EmailStatus: EmailStatus.Sent } n ? n : null,
            Timeout, "the notification shows its email sent");
        return (notification, email);
    }

    [Fact]
    public async Task Booking_confirmed_stores_a_notification_and_emails_the_tickets_as_inline_QR_codes()
    {
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        var confirmed = Confirmed(user);
        await app.PublishAsync(confirmed, message);

        var (notification, email) = await StoredAndEmailed(user, message);
        Assert.Equal((NotificationKind.BookingConfirmed, confirmed.BookingId, 2), (notification.Kind, notification.BookingId, notification.Tickets.Count));
        Assert.Equal("Booking confirmed: Jazz night", email.Subject);
        Assert.Equal(confirmed.UserEmail, email.To.Mailboxes.Single().Address);
        Assert.Contains("JN-0001", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("90.00 EUR", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("cid:", email.HtmlBody, StringComparison.Ordinal);
        var images = email.BodyParts.OfType<MimePart>().Where(p => p.ContentType.MimeType == "image/png").ToList();
        Assert.Equal(2, images.Count);
        Assert.All(images, image => Assert.Contains($"cid:{image.ContentId}", email.HtmlBody, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en", "Ticket type: VIP", "Ticket type: Standard")]
    [InlineData("de", "Ticketart: VIP", "Ticketart: Standard")]
    public async Task Booking_confirmed_with_ticket_types_names_each_tickets_type(string language, string vipLine, string standardLine)
    {
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        var (vip, standard) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var confirmed = Confirmed(user) with
        {
            Tickets =
            [
                new TicketInfo(Guid.CreateVersion7(), "JN-0001", 1, "QR-CODE-0001", vip, "VIP"),
                new TicketInfo(Guid.CreateVersion7(), "JN-0002", 2, "QR-CODE-0002", standard, "Standard"),
            ],
            Lines = [new BookingLineInfo(vip, "VIP", 1, 70m, 0m), new BookingLineInfo(standard, "Standard", 1, 20m, 0m)],
        };
        app.Directory.Users[user] = new UserContact(user, confirmed.UserEmail!, "Ada Lovelace", PreferredLanguage: language);
        await app.PublishAsync(confirmed, message);

        var (notification, email) = await StoredAndEmailed(user, message);
        Assert.Equal(["VIP", "Standard"], notification.Tickets.OrderBy(t => t.EntryNumber).Select(t => t.TicketTypeName));
        var text = email.TextBody ?? "";
        Assert.True(text.IndexOf("JN-0001", StringComparison.Ordinal) < text.IndexOf(vipLine, StringComparison.Ordinal), text);
        Assert.True(text.IndexOf(vipLine, StringComparison.Ordinal) < text.IndexOf("JN-0002", StringComparison.Ordinal), text);
        Assert.Contains(standardLine, text, StringComparison.Ordinal);
        Assert.Contains(vipLine, email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(standardLine, email.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "Stalls, row F, seat 12", "Stalls, row F, seat 13")]
    [InlineData("de", "Stalls, Reihe F, Platz 12", "Stalls, Reihe F, Platz 13")]
    public async Task Booking_confirmed_with_reserved_seats_names_each_tickets_seat(string language, string firstSeat, string secondSeat)
    {
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        var (f12, f13) = (new SeatInfo("stalls-F-12", "Stalls", "F", "12"), new SeatInfo("stalls-F-13", "Stalls", "F", "13"));
        var confirmed = Confirmed(user) with
        {
            Tickets =
            [
                new TicketInfo(Guid.CreateVersion7(), "JN-0001", 1, "QR-CODE-0001", Seat: f12),
                new TicketInfo(Guid.CreateVersion7(), "JN-0002", 2, "QR-CODE-0002", Seat: f13),
            ],
        };
        app.Directory.Users[user] = new UserContact(user, confirmed.UserEmail!, "Ada Lovelace", PreferredLanguage: language);
        await app.PublishAsync(confirmed, message);

        var (notification, email) = await StoredAndEmailed(user, message);
        Assert.Equal([new TicketSeat("Stalls", "F", "12"), new TicketSeat("Stalls", "F", "13")],
            notification.Tickets.OrderBy(t => t.EntryNumber).Select(t => t.Seat));
        var text = email.TextBody ?? "";
        Assert.True(text.IndexOf("JN-0001", StringComparison.Ordinal) < text.IndexOf(firstSeat, StringComparison.Ordinal), text);
        Assert.True(text.IndexOf(firstSeat, StringComparison.Ordinal) < text.IndexOf("JN-0002", StringComparison.Ordinal), text);
        Assert.True(text.IndexOf("JN-0002", StringComparison.Ordinal) < text.IndexOf(secondSeat, StringComparison.Ordinal), text);
        Assert.Contains(firstSeat, email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(secondSeat, email.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "New seats for", "Stalls, row F, seat 11 → Stalls, row F, seat 13", "Reason: F-11 is broken.")]
    [InlineData("de", "Neue Plätze für", "Stalls, Reihe F, Platz 11 → Stalls, Reihe F, Platz 13", "Grund: F-11 is broken.")]
    public async Task A_booking_moved_to_other_seats_tells_its_attendee_each_move_and_emails_the_tickets_with_their_seats_now(
        string language, string title, string move, string reason)
    {
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        var confirmed = Confirmed(user);
        var (f10, f11, f13) = (new SeatInfo("stalls-F-10", "Stalls", "F", "10"), new SeatInfo("stalls-F-11", "Stalls", "F", "11"),
            new SeatInfo("stalls-F-13", "Stalls", "F", "13"));
        var moved = new BookingSeatsMoved(confirmed.BookingId, confirmed.EventId, user, confirmed.UserEmail, confirmed.EventTitle, confirmed.EventStartsAt,
            "Europe/Lisbon", [new SeatMoveInfo(f11, f13)],
            [new TicketInfo(Guid.CreateVersion7(), "JN-0001", 1, "QR-CODE-0001", Seat: f10), new TicketInfo(Guid.CreateVersion7(), "JN-0002", 2, "QR-CODE-0002", Seat: f13)],
            "organizer", "F-11 is broken.", DateTimeOffset.UtcNow, Language: language);
        await app.PublishAsync(moved, message);

        var (notification, email) = await StoredAndEmailed(user, message);
        Assert.Equal(NotificationKind.BookingSeatsMoved, notification.Kind);
        Assert.StartsWith(title, notification.Title, StringComparison.Ordinal);
        Assert.Contains(move, notification.Body, StringComparison.Ordinal);
        Assert.Contains(reason, notification.Body, StringComparison.Ordinal);
        Assert.Equal($"/bookings/{confirmed.BookingId}", notification.Link);
        Assert.Equal([new TicketSeat("Stalls", "F", "10"), new TicketSeat("Stalls", "F", "13")], notification.Tickets.OrderBy(t => t.EntryNumber).Select(t => t.Seat));
        Assert.Contains(move, email.TextBody ?? "", StringComparison.Ordinal);
        Assert.Contains("QR-CODE-0002", email.TextBody ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_message_delivered_twice_gives_one_notification_and_one_email()
    {
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        var confirmed = Confirmed(user);
        await app.PublishAsync(confirmed, message);
        await app.PublishAsync(confirmed, message);
        var (notification, _) = await StoredAndEmailed(user, message);
        await app.PublishAsync(confirmed, message);

        // A later, different message is the marker that the sender has drained the queue past the duplicate.
        var marker = Guid.CreateVersion7();
        await app.PublishAsync(Confirmed(user), marker);
        await StoredAndEmailed(user, marker);

        Assert.Equal(2, (await app.ListAsync(user)).TotalCount);
        Assert.Single(app.EmailsOf(notification.Id));
    }

    [Fact]
    public async Task Booking_cancelled_expired_and_refunded_each_notify_and_email_the_attendee()
    {
        var user = Guid.CreateVersion7();
        var email = $"{user:N}@example.test";
        var booking = Guid.CreateVersion7();
        var eventId = Guid.CreateVersion7();
        var (cancelledId, expiredId, refundedId) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        await app.PublishAsync(new BookingCancelled(booking, eventId, user, email, "Jazz night", 2, Guid.CreateVersion7(),
            "attendee", "changed my plans", new Money(90m, "EUR"), DateTimeOffset.UtcNow), cancelledId);
        await app.PublishAsync(new BookingExpired(Guid.CreateVersion7(), eventId, user, email, "Jazz night", 1, Guid.CreateVersion7(),
            DateTimeOffset.UtcNow), expiredId);
        await app.PublishAsync(new PaymentRefunded(Guid.CreateVersion7(), booking, eventId, user, email, new Money(90m, "EUR"),
            "booking cancelled", DateTimeOffset.UtcNow), refundedId);

        var cancelled = await StoredAndEmailed(user, cancelledId);
        Assert.Equal(NotificationKind.BookingCancelled, cancelled.Notification.Kind);
        Assert.Equal("Booking cancelled: Jazz night", cancelled.Email.Subject);
        Assert.Contains("90.00 EUR will be refunded", cancelled.Email.TextBody, StringComparison.Ordinal);

        var expired = await StoredAndEmailed(user, expiredId);
        Assert.Equal(NotificationKind.BookingExpired, expired.Notification.Kind);
        Assert.Equal("Booking expired: Jazz night", expired.Email.Subject);

        var refunded = await StoredAndEmailed(user, refundedId);
        Assert.Equal(NotificationKind.PaymentRefunded, refunded.Notification.Kind);
        Assert.Equal("Refund of 90.00 EUR issued", refunded.Email.Subject);
        Assert.Equal(email, refunded.Email.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task A_disabled_webhook_endpoint_is_told_to_its_organizer_in_their_language_with_a_link_to_the_endpoint()
    {
        var (english, german) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        app.Directory.Users[english] = new UserContact(english, $"{english:N}@example.test", "Olga Organizer");
        app.Directory.Users[german] = new UserContact(german, $"{german:N}@example.test", "Grete", PreferredLanguage: "de");
        var endpoint = Guid.CreateVersion7();
        var (englishMessage, germanMessage) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        const string Reason = "Every attempt to deliver 0195 failed (13 over 67 hours) and nothing was received since; the last: 503.";
        await app.PublishAsync(new WebhookEndpointDisabled(endpoint, english, "https://crm.example.test/hooks", Reason, DateTimeOffset.UtcNow), englishMessage);
        await app.PublishAsync(new WebhookEndpointDisabled(endpoint, german, "https://crm.example.test/hooks", Reason, DateTimeOffset.UtcNow), germanMessage);

        var (notification, email) = await StoredAndEmailed(english, englishMessage);
        Assert.Equal((NotificationKind.WebhookDisabled, $"/organizer/webhooks/{endpoint}"), (notification.Kind, notification.Link));
        Assert.Equal("A webhook endpoint was disabled", email.Subject);
        Assert.Equal($"{english:N}@example.test", email.To.Mailboxes.Single().Address);
        Assert.Contains("https://crm.example.test/hooks", email.TextBody, StringComparison.Ordinal);
        Assert.Contains(Reason, email.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/organizer/webhooks/{endpoint}", email.TextBody, StringComparison.Ordinal);

        var (_, germanEmail) = await StoredAndEmailed(german, germanMessage);
        Assert.Equal("Ein Webhook-Endpunkt wurde deaktiviert", germanEmail.Subject);
        Assert.Contains("https://crm.example.test/hooks", germanEmail.TextBody, StringComparison.Ordinal);

    }

    [Fact]
    public async Task Event_updated_and_cancelled_notify_every_attendee_once_with_addresses_from_bookings_or_users()
    {
        var eventId = Guid.CreateVersion7();
        var (withEmail, withoutEmail) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        app.Directory.Attendees[eventId] =
        [
            new EventAttendee(withEmail, Guid.CreateVersion7(), "known@example.test", "Known Attendee"),
            new EventAttendee(withEmail, Guid.CreateVersion7(), "known@example.test", "Known Attendee"),
            new EventAttendee(withoutEmail, Guid.CreateVersion7(), null, null),
        ];
        app.Directory.Users[withoutEmail] = new UserContact(withoutEmail, "looked-up@example.test", "Looked Up");
        var newStart = DateTimeOffset.UtcNow.AddDays(20);
        var (updatedId, cancelledId) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await app.PublishAsync(new EventUpdated(eventId, Guid.CreateVersion7(), "Jazz night", "Blue Hall", "Lyon", newStart,
            newStart.AddHours(3), ["startsAt", "venue"], DateTimeOffset.UtcNow), updatedId);
        await app.PublishAsync(new EventCancelled(eventId, Guid.CreateVersion7(), "Jazz night", newStart, "the band is ill",
            DateTimeOffset.UtcNow), cancelledId);

        var updatedKnown = await StoredAndEmailed(withEmail, updatedId);
        Assert.Equal("Event updated: Jazz night", updatedKnown.Email.Subject);
        Assert.Contains("Blue Hall, Lyon", updatedKnown.Email.TextBody, StringComparison.Ordinal);
        Assert.Equal("known@example.test", updatedKnown.Email.To.Mailboxes.Single().Address);
        var updatedLookedUp = await StoredAndEmailed(withoutEmail, updatedId);
        Assert.Equal("looked-up@example.test", updatedLookedUp.Email.To.Mailboxes.Single().Address);

        var cancelled = await StoredAndEmailed(withoutEmail, cancelledId);
        Assert.Equal(NotificationKind.EventCancelled, cancelled.Notification.Kind);
        Assert.Contains("the band is ill", cancelled.Email.TextBody, StringComparison.Ordinal);
        await StoredAndEmailed(withEmail, cancelledId);

        Assert.Equal(2, (await app.ListAsync(withEmail)).TotalCount); // two bookings, one notification per message
        Assert.Single(app.EmailsOf(updatedKnown.Notification.Id));
    }

    [Fact]
    public async Task A_switched_off_email_kind_stores_the_notification_without_emailing_it()
    {
        var user = Guid.CreateVersion7();
        await app.InScopeAsync(async sp =>
        {
            var store = sp.GetRequiredService<INotificationStore>();
            var preferences = await store.GetPreferencesAsync(user, CancellationToken.None);
            preferences.Apply(new Dictionary<string, bool> { [NotificationKind.BookingExpired] = false }, DateTimeOffset.UtcNow);
            await store.SavePreferencesAsync(preferences, CancellationToken.None);
            return true;
        });
        var (skippedId, sentId) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await app.PublishAsync(new BookingExpired(Guid.CreateVersion7(), Guid.CreateVersion7(), user, "p@example.test", "Jazz night", 1,
            Guid.CreateVersion7(), DateTimeOffset.UtcNow), skippedId);
        await app.PublishAsync(new BookingCancelled(Guid.CreateVersion7(), Guid.CreateVersion7(), user, "p@example.test", "Jazz night", 1,
            Guid.CreateVersion7(), "attendee", "no longer needed", null, DateTimeOffset.UtcNow), sentId);
        await StoredAndEmailed(user, sentId);

        var id = Notification.IdFor(Notification.MessageSource(skippedId), user);
        var skipped = await Poll.ForAsync(async () => await app.FindAsync(user, id) is { EmailStatus: EmailStatus.Skipped } n ? n : null,
            Timeout, "the email is skipped", TestContext.Current.CancellationToken);
        Assert.Equal("The user switched off email for this kind of notification.", skipped.EmailLastError);
        Assert.Empty(app.EmailsOf(id));
    }

    [Fact]
    public async Task An_email_kind_switched_off_after_the_notification_was_stored_is_not_sent_when_it_falls_due()
    {
        var user = Guid.CreateVersion7();
        var messageId = Guid.CreateVersion7();
        var id = Notification.IdFor(Notification.MessageSource(messageId), user);
        // Stored with its email queued for later (as a retried email is), then the user switches its kind off.
        await app.InScopeAsync(async sp =>
        {
            var store = sp.GetRequiredService<INotificationStore>();
            var notification = new Notification { Kind = NotificationKind.BookingExpired, Title = "Expired", Body = "Your booking expired." }
                .To(Notification.MessageSource(messageId), user, "later@example.test");
            notification.Accept(DateTimeOffset.UtcNow);
            notification.EmailNextAttemptAt = DateTimeOffset.UtcNow.AddSeconds(2);
            Assert.True(await store.TryAddAsync(notification, CancellationToken.None));
            var preferences = await store.GetPreferencesAsync(user, CancellationToken.None);
            preferences.Apply(new Dictionary<string, bool> { [NotificationKind.BookingExpired] = false }, DateTimeOffset.UtcNow);
            await store.SavePreferencesAsync(preferences, CancellationToken.None);
            return true;
        });

        var skipped = await Poll.ForAsync(async () => await app.FindAsync(user, id) is { EmailStatus: EmailStatus.Skipped } n ? n : null,
            Timeout, "the email is skipped", TestContext.Current.CancellationToken);
        Assert.Equal(NotificationKind.BookingExpired, skipped.Kind);
        Assert.Empty(app.EmailsOf(id));
    }

    [Fact]
    public async Task A_user_who_switched_off_email_in_their_profile_gets_the_notification_but_no_email()
    {
        var user = Guid.CreateVersion7();
        app.Directory.Users[user] = new UserContact(user, "quiet@example.test", "Quiet", EmailNotifications: false);
        var messageId = Guid.CreateVersion7();
        await app.PublishAsync(Confirmed(user), messageId);

        var id = Notification.IdFor(Notification.MessageSource(messageId), user);
        var skipped = await Poll.ForAsync(async () => await app.FindAsync(user, id) is { EmailStatus: EmailStatus.Skipped } n ? n : null,
            Timeout, "the email is skipped", TestContext.Current.CancellationToken);
        Assert.Equal(NotificationKind.BookingConfirmed, skipped.Kind);
        Assert.Empty(app.EmailsOf(id));
    }

    [Fact]
    public async Task A_reminder_is_sent_once_24_hours_before_the_event_and_again_only_if_the_event_moves()
    {
        var user = Guid.CreateVersion7();
        var eventId = Guid.CreateVersion7();
        var startsAt = DateTimeOffset.UtcNow.AddHours(23);
        var far = Confirmed(Guid.CreateVersion7(), DateTimeOffset.UtcNow.AddDays(5));
        var (nearMessage, farMessage) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await app.PublishAsync(Confirmed(user, startsAt, eventId), nearMessage);
        await app.PublishAsync(far, farMessage);
        await StoredAsync(user, nearMessage);
        await StoredAsync(far.UserId, farMessage);
        app.Directory.Attendees[eventId] = [new EventAttendee(user, Guid.CreateVersion7(), null, null)];
        var scheduler = app.Services.GetRequiredService<ReminderScheduler>();

        Assert.Equal(1, await scheduler.SendDueAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await scheduler.SendDueAsync(TestContext.Current.CancellationToken));
        var reminder = (await app.ListAsync(user)).Items.Single(n => n.Kind == NotificationKind.EventReminder);
        var email = await app.WaitForEmailAsync(reminder.Id);
        Assert.Equal("Reminder: Jazz night starts soon", email.Subject);
        Assert.DoesNotContain((await app.ListAsync(far.UserId)).Items, n => n.Kind == NotificationKind.EventReminder);

        var moved = startsAt.AddHours(-2);
        var updateMessage = Guid.CreateVersion7();
        await app.PublishAsync(new EventUpdated(eventId, Guid.CreateVersion7(), "Jazz night", "Blue Hall", "Lyon", moved, moved.AddHours(3),
            ["startsAt"], DateTimeOffset.UtcNow), updateMessage);
        await StoredAsync(user, updateMessage);
        Assert.Equal(1, await scheduler.SendDueAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await scheduler.SendDueAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, (await app.ListAsync(user)).Items.Count(n => n.Kind == NotificationKind.EventReminder));
    }

    [Fact]
    public async Task A_poison_message_ends_in_the_dead_letter_queue_and_stores_nothing()
    {
        var poison = Confirmed(Guid.Empty);
        var messageId = Guid.CreateVersion7();
        await app.PublishAsync(poison, messageId);

        var deadLetters = app.Services.GetRequiredService<IDeadLetterQueue>();
        var dead = await Poll.ForAsync(async () => (await deadLetters.ListAsync(100, TestContext.Current.CancellationToken)).FirstOrDefault(m => m.MessageId == messageId),
            Timeout, "the poison message is in the dead-letter queue", TestContext.Current.CancellationToken);
        Assert.Equal("booking.confirmed", dead.Type);
        Assert.Equal(0, (await app.ListAsync(Guid.Empty)).TotalCount);
    }
}
