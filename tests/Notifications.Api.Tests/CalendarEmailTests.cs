using System.Text;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using MimeKit;
using Notifications.Api.Clients;
using Notifications.Api.Model;
using IcalCalendar = Ical.Net.Calendar;
using IcalEvent = Ical.Net.CalendarComponents.CalendarEvent;

namespace Notifications.Api.Tests;

/// <summary>
/// The calendar invitation in the emails (real PostgreSQL, RabbitMQ and SMTP catcher; events-api's answers from
/// <see cref="FakeDirectory"/>): the confirmation invites, a move re-invites with a higher SEQUENCE, a cancellation withdraws.
/// </summary>
public sealed class CalendarEmailTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(12).AddHours(20);

    private static CalendarEntry Entry(Guid eventId, int sequence, DateTimeOffset startsAt, string venue, bool cancelled = false) =>
        new(eventId, sequence, startsAt, startsAt.AddHours(3), "Jazz night", venue, "Lisbon", "Standards, by the water.", Url: null, cancelled);

    private async Task<MimeMessage> EmailAsync(Guid userId, Guid messageId)
    {
        var id = Notification.IdFor(Notification.MessageSource(messageId), userId);
        var email = await app.WaitForEmailAsync(id, Timeout);
        Assert.NotNull((await app.FindAsync(userId, id))!.Calendar); // stored with the notification
        return email;
    }

    /// <summary>The invitation part and the attachment: both present, the same object; parsed by Ical.Net.</summary>
    private static (string Method, IcalEvent Event) Invitation(MimeMessage email, Guid eventId)
    {
        var invitation = Assert.Single(email.BodyParts.OfType<MimePart>(), p => p.ContentType.MimeType == "text/calendar");
        Assert.Equal("utf-8", invitation.ContentType.Charset);
        var attachment = Assert.Single(email.Attachments.OfType<MimePart>());
        Assert.Equal($"event-{eventId}.ics", attachment.FileName);
        Assert.Equal("application/ics", attachment.ContentType.MimeType);

        var text = Decode(invitation);
        Assert.Equal(text, Decode(attachment));
        Assert.All(text.Split("\r\n")[..^1], line => Assert.InRange(Encoding.UTF8.GetByteCount(line), 1, 75));
        var calendar = IcalCalendar.Load(text)!;
        Assert.Equal(invitation.ContentType.Parameters["method"], calendar.Method);
        return (calendar.Method!, Assert.Single(calendar.Events));
    }

    private static string Decode(MimePart part)
    {
        using var stream = new MemoryStream();
        Assert.NotNull(part.Content);
        part.Content.DecodeTo(stream);
        return new UTF8Encoding(false, true).GetString(stream.ToArray());
    }

    [Fact]
    public async Task The_confirmation_invites_a_move_re_invites_with_a_higher_sequence_and_a_cancellation_withdraws()
    {
        var (eventId, user) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        app.Directory.Events[eventId] = Entry(eventId, 0, Start, "Harbour Hall");
        var confirmed = IngestionTests.Confirmed(user, Start, eventId);
        app.Directory.Attendees[eventId] = [new EventAttendee(user, confirmed.BookingId, confirmed.UserEmail, "Ada Lovelace")];

        var confirmedMessage = Guid.CreateVersion7();
        await app.PublishAsync(confirmed, confirmedMessage);
        var (method, invited) = Invitation(await EmailAsync(user, confirmedMessage), eventId);
        Assert.Equal("REQUEST", method);
        Assert.Equal($"event-{eventId}@eventbooking", invited.Uid);
        Assert.Equal(0, invited.Sequence);
        Assert.Equal(("Jazz night", "Harbour Hall, Lisbon", "CONFIRMED"), (invited.Summary, invited.Location, invited.Status));
        Assert.Equal(Start.UtcDateTime, invited.DtStart!.Value);
        Assert.Equal(Start.AddHours(3).UtcDateTime, invited.DtEnd!.Value);
        Assert.Equal(new Uri($"mailto:{confirmed.UserEmail}"), Assert.Single(invited.Attendees).Value);
        Assert.Equal(new Uri("mailto:no-reply@eventbooking.local"), invited.Organizer!.Value);
        Assert.Equal($"/events/{eventId}", invited.Url!.AbsolutePath);

        // The event moves a day later to another hall: events-api's revision is 1 now.
        var moved = Start.AddDays(1);
        app.Directory.Events[eventId] = Entry(eventId, 1, moved, "Blue Hall");
        var updatedMessage = Guid.CreateVersion7();
        await app.PublishAsync(new EventUpdated(eventId, Guid.CreateVersion7(), "Jazz night", "Blue Hall", "Lisbon", moved, moved.AddHours(3),
            ["startsAt", "endsAt", "venue"], DateTimeOffset.UtcNow), updatedMessage);
        var (updateMethod, update) = Invitation(await EmailAsync(user, updatedMessage), eventId);
        Assert.Equal("REQUEST", updateMethod);
        Assert.Equal(invited.Uid, update.Uid);
        Assert.True(update.Sequence > invited.Sequence, $"SEQUENCE {update.Sequence} after {invited.Sequence}");
        Assert.Equal(moved.UtcDateTime, update.DtStart!.Value);
        Assert.Equal("Blue Hall, Lisbon", update.Location);

        app.Directory.Events[eventId] = Entry(eventId, 2, moved, "Blue Hall", cancelled: true);
        var cancelledMessage = Guid.CreateVersion7();
        await app.PublishAsync(new EventCancelled(eventId, Guid.CreateVersion7(), "Jazz night", moved, "the band is ill", DateTimeOffset.UtcNow), cancelledMessage);
        var (cancelMethod, cancel) = Invitation(await EmailAsync(user, cancelledMessage), eventId);
        Assert.Equal("CANCEL", cancelMethod);
        Assert.Equal(invited.Uid, cancel.Uid);
        Assert.True(cancel.Sequence > update.Sequence, $"SEQUENCE {cancel.Sequence} after {update.Sequence}");
        Assert.Equal("CANCELLED", cancel.Status);
    }

    [Fact]
    public async Task Cancelling_ones_last_confirmed_booking_withdraws_the_invitation_and_an_earlier_one_or_an_unpaid_one_does_not()
    {
        var (eventId, user) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        app.Directory.Events[eventId] = Entry(eventId, 3, Start, "Harbour Hall");
        var (first, second) = (IngestionTests.Confirmed(user, Start, eventId), IngestionTests.Confirmed(user, Start, eventId));
        foreach (var confirmed in new[] { first, second })
        {
            var message = Guid.CreateVersion7();
            await app.PublishAsync(confirmed, message);
            Assert.Equal("REQUEST", Invitation(await EmailAsync(user, message), eventId).Method);
        }

        BookingCancelled Cancelled(Guid bookingId) => new(bookingId, eventId, user, first.UserEmail, "Jazz night", 2, Guid.CreateVersion7(),
            "attendee", "changed my plans", null, DateTimeOffset.UtcNow);

        // An unpaid booking of the same event, cancelled: its holder never got an invitation for it, and still attends.
        var unpaid = Guid.CreateVersion7();
        await app.PublishAsync(Cancelled(Guid.CreateVersion7()), unpaid);
        var unpaidEmail = await app.WaitForEmailAsync(Notification.IdFor(Notification.MessageSource(unpaid), user), Timeout);
        Assert.DoesNotContain(unpaidEmail.BodyParts, p => p.ContentType.MimeType is "text/calendar" or "application/ics");

        // One of two confirmed bookings cancelled: the user still attends, the calendar keeps the event.
        var firstCancelled = Guid.CreateVersion7();
        await app.PublishAsync(Cancelled(first.BookingId), firstCancelled);
        var stillAttending = await app.WaitForEmailAsync(Notification.IdFor(Notification.MessageSource(firstCancelled), user), Timeout);
        Assert.Equal("Booking cancelled: Jazz night", stillAttending.Subject);
        Assert.DoesNotContain(stillAttending.BodyParts, p => p.ContentType.MimeType is "text/calendar" or "application/ics");

        // The last one cancelled (and delivered twice): the invitation is withdrawn, once.
        var lastCancelled = Guid.CreateVersion7();
        await app.PublishAsync(Cancelled(second.BookingId), lastCancelled);
        await app.PublishAsync(Cancelled(second.BookingId), lastCancelled);
        var (method, withdrawn) = Invitation(await EmailAsync(user, lastCancelled), eventId);
        Assert.Equal(("CANCEL", $"event-{eventId}@eventbooking", "CANCELLED"), (method, withdrawn.Uid, withdrawn.Status));
        Assert.Equal(3, withdrawn.Sequence);
        Assert.Single(app.EmailsOf(Notification.IdFor(Notification.MessageSource(lastCancelled), user)));
    }

    [Fact]
    public async Task While_events_api_is_unreachable_the_email_waits_and_then_goes_with_its_invitation()
    {
        var (eventId, user) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        app.Directory.Events[eventId] = Entry(eventId, 4, Start, "Harbour Hall");
        app.Directory.EventsDown = true;
        try
        {
            var message = Guid.CreateVersion7();
            await app.PublishAsync(IngestionTests.Confirmed(user, Start, eventId), message);
            var id = Notification.IdFor(Notification.MessageSource(message), user);
            var waiting = await Poll.ForAsync(async () => await app.FindAsync(user, id) is { EmailAttempts: > 0 } n ? n : null, Timeout,
                "a failed attempt is recorded", TestContext.Current.CancellationToken);
            Assert.Equal(EmailStatus.Pending, waiting.EmailStatus);
            Assert.Contains("events-api", waiting.EmailLastError, StringComparison.Ordinal);
            Assert.Empty(app.EmailsOf(id));

            app.Directory.EventsDown = false;
            var (method, invited) = Invitation(await app.WaitForEmailAsync(id, Timeout), eventId);
            Assert.Equal(("REQUEST", 4), (method, invited.Sequence));
        }
        finally
        {
            app.Directory.EventsDown = false;
        }
    }

    [Fact]
    public async Task An_event_events_api_does_not_know_goes_without_a_calendar()
    {
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        await app.PublishAsync(IngestionTests.Confirmed(user), message); // its event is not in the directory
        var email = await app.WaitForEmailAsync(Notification.IdFor(Notification.MessageSource(message), user), Timeout);
        Assert.DoesNotContain(email.BodyParts, p => p.ContentType.MimeType is "text/calendar" or "application/ics");
        Assert.Equal("Booking confirmed: Jazz night", email.Subject);
    }
}
