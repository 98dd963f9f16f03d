using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using EventBooking.Testing;
using Microsoft.Extensions.Options;
using MimeKit;
using Notifications.Api.Clients;
using Notifications.Api.Model;
using Notifications.Api.Resources;
using Notifications.Api.Services;

namespace Notifications.Api.Tests;

/// <summary>
/// Notifications and emails in the recipient's language (users-api's preferred language; English when it names none we
/// speak), over real RabbitMQ and SMTP: the stored notification (what the web lists and the bell announces) and its email.
/// </summary>
public sealed class LanguageTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_german_recipient_gets_the_booking_confirmation_and_its_email_in_german()
    {
        var user = Guid.CreateVersion7();
        var confirmed = IngestionTests.Confirmed(user, startsAt: new DateTimeOffset(2027, 3, 6, 19, 30, 0, TimeSpan.Zero));
        app.Directory.Users[user] = new UserContact(user, confirmed.UserEmail!, "Ada Lovelace", PreferredLanguage: "de-DE");
        var message = Guid.CreateVersion7();

        await app.PublishAsync(confirmed, message);

        var id = Notification.IdFor(Notification.MessageSource(message), user);
        var email = await app.WaitForEmailAsync(id);
        var stored = await Poll.ForAsync(() => app.FindAsync(user, id), Timeout, "the notification is stored", TestContext.Current.CancellationToken);
        Assert.Equal("Buchung bestätigt: Jazz night", stored.Title);
        Assert.Equal("Ihre Buchung von 2 Tickets für Jazz night am Sa., 6. März 2027 um 19:30 UTC ist bestätigt. Bezahlter Betrag: 90,00 EUR. " +
            "Zeigen Sie am Eingang den QR-Code jedes Tickets vor.", stored.Body);

        Assert.Equal("Buchung bestätigt: Jazz night", email.Subject);
        Assert.StartsWith("Hallo Ada Lovelace,", email.TextBody, StringComparison.Ordinal);
        foreach (var german in new[] { "Veranstaltung: Jazz night", "Wann: Samstag, 6. März 2027, 19:30 UTC", "Ihre Tickets:",
                     "Ticket JN-0001 (Einlass 1): Code QR-CODE-0001", "Details: ", "Sie erhalten diese E-Mail wegen Ihres EventBooking-Kontos." })
        {
            Assert.Contains(german, email.TextBody, StringComparison.Ordinal);
        }

        Assert.Contains("QR-Code von Ticket JN-0001", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Details ansehen", email.HtmlBody, StringComparison.Ordinal);
        foreach (var english in new[] { "Hello", "Your tickets", "When:", "View details", "You receive this email" })
        {
            Assert.DoesNotContain(english, email.TextBody + email.HtmlBody, StringComparison.Ordinal);
        }

        // The message (as written before bookings carried the buyer's language) names none: users-api was asked for it, and once
        // more by the email's batch (for the address and the opt-out).
        Assert.Null(confirmed.Language);
        Assert.Equal(2, app.Directory.LookupsOf(user));
    }

    [Fact]
    public async Task A_booking_event_that_carries_the_buyers_language_is_written_in_it_without_asking_users_api()
    {
        // What users-api would answer differs from what the messages carry: the messages win, and users-api is asked only by
        // each email's batch (for the address and the opt-out), never for the language.
        var (buyer, late) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var confirmed = IngestionTests.Confirmed(buyer, startsAt: new DateTimeOffset(2027, 3, 6, 19, 30, 0, TimeSpan.Zero)) with { Language = "de" };
        app.Directory.Users[buyer] = new UserContact(buyer, confirmed.UserEmail!, "Ada Lovelace", PreferredLanguage: "en");
        app.Directory.Users[late] = new UserContact(late, $"{late:N}@example.test", "Grete", PreferredLanguage: "en");
        var (confirmation, expiry) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await app.PublishAsync(confirmed, confirmation);
        await app.PublishAsync(new BookingExpired(Guid.CreateVersion7(), confirmed.EventId, late, $"{late:N}@example.test", "Jazz night", 1,
            Guid.CreateVersion7(), DateTimeOffset.UtcNow, Language: "de-AT"), expiry);

        foreach (var (user, message, title) in new[] { (buyer, confirmation, "Buchung bestätigt: Jazz night"), (late, expiry, "Buchung abgelaufen: Jazz night") })
        {
            var id = Notification.IdFor(Notification.MessageSource(message), user);
            var stored = await Poll.ForAsync(() => app.FindAsync(user, id), Timeout, "the notification is stored", TestContext.Current.CancellationToken);
            Assert.Equal(title, stored.Title);
            await app.WaitForEmailAsync(id);
            Assert.Equal(1, app.Directory.LookupsOf(user));
        }
    }

    [Fact]
    public async Task Times_are_written_on_the_event_zones_clocks_and_an_older_message_without_a_zone_in_UTC()
    {
        // 00:30 UTC on 7 March is 19:30 on the 6th in New York (EST): the attendee reads the venue's clock, named.
        var user = Guid.CreateVersion7();
        var confirmed = IngestionTests.Confirmed(user, startsAt: new DateTimeOffset(2027, 3, 7, 0, 30, 0, TimeSpan.Zero)) with
        {
            EventTimeZone = "America/New_York",
        };
        app.Directory.Users[user] = new UserContact(user, confirmed.UserEmail!, "Ada Lovelace", PreferredLanguage: "en");
        var message = Guid.CreateVersion7();
        await app.PublishAsync(confirmed, message);

        var id = Notification.IdFor(Notification.MessageSource(message), user);
        var email = await app.WaitForEmailAsync(id);
        var stored = await Poll.ForAsync(() => app.FindAsync(user, id), Timeout, "the notification is stored", TestContext.Current.CancellationToken);
        Assert.Contains("Jazz night on Sat 6 Mar 2027 at 19:30 America/New York", stored.Body, StringComparison.Ordinal);
        Assert.Equal("America/New_York", stored.EventTimeZone);
        Assert.Contains("When: Saturday 6 March 2027, 19:30 America/New York", email.TextBody, StringComparison.Ordinal);

        // The event moves: its attendees hear of the new time on the same clocks.
        app.Directory.Attendees[confirmed.EventId] = [new EventAttendee(user, confirmed.BookingId, confirmed.UserEmail, "Ada Lovelace")];
        var moved = new DateTimeOffset(2027, 3, 14, 23, 0, 0, TimeSpan.Zero); // 19:00 EDT: New York's clocks went forward that day
        var updated = Guid.CreateVersion7();
        await app.PublishAsync(new EventUpdated(confirmed.EventId, Guid.CreateVersion7(), "Jazz night", "Blue Hall", "New York", moved,
            moved.AddHours(3), ["startsAt"], DateTimeOffset.UtcNow, "America/New_York"), updated);
        var told = await app.WaitForEmailAsync(Notification.IdFor(Notification.MessageSource(updated), user));
        Assert.Contains("Sun 14 Mar 2027 at 19:00 America/New York", told.TextBody, StringComparison.Ordinal);

        // A message from before the zone travelled with it says UTC, as it always did.
        var older = Guid.CreateVersion7();
        await app.PublishAsync(IngestionTests.Confirmed(user, startsAt: new DateTimeOffset(2027, 3, 7, 0, 30, 0, TimeSpan.Zero)), older);
        var olderEmail = await app.WaitForEmailAsync(Notification.IdFor(Notification.MessageSource(older), user));
        Assert.Contains("When: Sunday 7 March 2027, 00:30 UTC", olderEmail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_attendee_of_a_cancelled_event_is_told_in_their_own_language()
    {
        var eventId = Guid.CreateVersion7();
        var (german, english, unknown) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        app.Directory.Users[german] = new UserContact(german, $"{german:N}@example.test", "Grete", PreferredLanguage: "de");
        app.Directory.Users[english] = new UserContact(english, $"{english:N}@example.test", "Ed", PreferredLanguage: "en-GB");
        app.Directory.Users[unknown] = new UserContact(unknown, $"{unknown:N}@example.test", "Pia", PreferredLanguage: "pt-BR");
        app.Directory.Attendees[eventId] = [.. new[] { german, english, unknown }.Select(u => new EventAttendee(u, Guid.CreateVersion7(), null, null))];
        var message = Guid.CreateVersion7();

        await app.PublishAsync(new EventCancelled(eventId, Guid.CreateVersion7(), "Jazz night", new DateTimeOffset(2027, 3, 6, 19, 30, 0, TimeSpan.Zero),
            "the band is ill", DateTimeOffset.UtcNow), message);

        async Task<MimeMessage> EmailOf(Guid user) => await app.WaitForEmailAsync(Notification.IdFor(Notification.MessageSource(message), user));
        Assert.Equal("Veranstaltung abgesagt: Jazz night", (await EmailOf(german)).Subject);
        Assert.Contains("Hallo Grete,", (await EmailOf(german)).TextBody, StringComparison.Ordinal);
        Assert.Equal("Event cancelled: Jazz night", (await EmailOf(english)).Subject);
        // A language we do not speak: the default, English.
        Assert.Equal("Event cancelled: Jazz night", (await EmailOf(unknown)).Subject);
        Assert.Contains("Hello Pia,", (await EmailOf(unknown)).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_german_accounts_password_reset_email_is_german()
    {
        var user = Guid.CreateVersion7();
        var address = $"{user:N}@example.test";
        app.Directory.Users[user] = new UserContact(user, address, "Grete", PreferredLanguage: "de");

        await app.PublishAsync(new PasswordResetRequested(user, address, "Grete", "reset-token-789", new DateTimeOffset(2030, 1, 2, 3, 4, 0, TimeSpan.Zero)),
            Guid.CreateVersion7());

        await Mail.WaitForLinkAsync(app.Smtp.System.Maildir, address, "password-reset", "/account/reset-password", Timeout,
            cancellationToken: TestContext.Current.CancellationToken);
        var mailed = Assert.Single(Mail.Of(app.Smtp.System.Maildir, address, "password-reset"));
        Assert.Equal("Setzen Sie Ihr Passwort zurück", mailed.Subject);
        Assert.Contains("Der Link funktioniert einmal, bis 02.01.2030 03:04 UTC.", mailed.TextBody, StringComparison.Ordinal);
        // The HTML part escapes what is not ASCII (&#xE4;): read as a mail client shows it.
        Assert.Contains("Neues Passwort wählen", System.Net.WebUtility.HtmlDecode(mailed.HtmlBody), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_language_has_every_text_with_the_same_placeholders_and_german_is_not_english()
    {
        var resources = new ResourceManager(typeof(NotificationResource));
        static Dictionary<string, string> Texts(ResourceSet set) =>
            set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        static string[] Placeholders(string text) => [.. Regex.Matches(text, @"\{\d+\}").Select(m => m.Value).Order()];
        var english = Texts(resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!);
        var german = Texts(resources.GetResourceSet(CultureInfo.GetCultureInfo("de"), createIfNotExists: true, tryParents: false)!);

        Assert.True(english.Count > 40, $"only {english.Count} texts");
        Assert.Equal(english.Keys.Order(), german.Keys.Order());
        Assert.All(english, e => Assert.Equal(Placeholders(e.Value), Placeholders(german[e.Key])));
        Assert.DoesNotContain(english, e => e.Value.Split(' ').Length > 3 && german[e.Key] == e.Value);
    }

    [Theory]
    [InlineData("de", "de")]
    [InlineData("de-CH", "de")]
    [InlineData("en-US", "en")]
    [InlineData("fr", "en")]
    [InlineData("no such tag", "en")]
    [InlineData(null, "en")]
    public void A_profiles_language_falls_to_a_language_we_write_in_else_english(string? preferred, string expected)
    {
        var languages = new RecipientLanguages(Options.Create(new LanguageOptions { SupportedCultures = ["en", "de"], DefaultCulture = "en" }));

        Assert.Equal(expected, languages.CultureOf(preferred).Name);
    }
}
