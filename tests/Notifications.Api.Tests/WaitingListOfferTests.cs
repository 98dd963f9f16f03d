using EventBooking.Messaging.Contracts;
using Notifications.Api.Clients;
using Notifications.Api.Model;

namespace Notifications.Api.Tests;

/// <summary>
/// waitlist.offered (events-api's waiting list) → a notification and an email to the offered buyer, in their language, with how
/// many seats, until when on the event's clocks, and the link to the event page with the offer, where they book it.
/// </summary>
public sealed class WaitingListOfferTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("en", "Seats are held for you: Jazz night", "2 tickets", "until Sat 6 Mar 2027 at 19:30 America/New York")]
    [InlineData("de", "Plätze für Sie reserviert: Jazz night", "2 Tickets", "bis Sa., 6. März 2027 um 19:30 America/New York")]
    public async Task An_offer_is_notified_and_emailed_with_its_seats_expiry_and_link(string language, string subject, string seats, string until)
    {
        var user = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        var offer = new WaitingListOffered(Guid.CreateVersion7(), Guid.CreateVersion7(), user, $"{user:N}@example.test", "Ada Lovelace", 2, null,
            "Jazz night", new DateTimeOffset(2027, 3, 20, 0, 0, 0, TimeSpan.Zero), "America/New_York",
            new DateTimeOffset(2027, 3, 7, 0, 30, 0, TimeSpan.Zero), DateTimeOffset.UtcNow);
        app.Directory.Users[user] = new UserContact(user, offer.UserEmail!, "Ada Lovelace", PreferredLanguage: language);
        await app.PublishAsync(offer, message);

        var id = Notification.IdFor(Notification.MessageSource(message), user);
        var email = await app.WaitForEmailAsync(id);
        var notification = await Poll.ForAsync(() => app.FindAsync(user, id), Timeout, "the offer's notification is stored", TestContext.Current.CancellationToken);
        Assert.Equal(NotificationKind.WaitlistOffered, notification.Kind);
        Assert.Equal($"/events/{offer.EventId}?waitingListOffer={offer.OfferId}", notification.Link);
        Assert.Equal(subject, email.Subject);
        Assert.Contains(seats, email.TextBody, StringComparison.Ordinal);
        Assert.Contains(until, email.TextBody, StringComparison.Ordinal);
        Assert.Contains($"waitingListOffer={offer.OfferId}", email.TextBody, StringComparison.Ordinal);
    }
}
