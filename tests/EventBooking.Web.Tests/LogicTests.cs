using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EventBooking.Web.Auth;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Pages.Organizer;
using EventBooking.Web.Components.Shared;
using EventBooking.Web.Extensions;
using EventBooking.Web.Resources;
using Xunit;

namespace EventBooking.Web.Tests;

public sealed class LogicTests
{
    [Theory]
    [InlineData("4242 4242 4242 4242", true)]
    [InlineData("4000-0000-0000-0002", true)]
    [InlineData("4242424242424241", false)]
    [InlineData("4242", false)]
    [InlineData("4242 4242 4242 424x", false)]
    public void Card_numbers_pass_the_Luhn_check(string number, bool valid) => Assert.Equal(valid, CardNumbers.IsValid(number));

    [Theory]
    [InlineData("/events/1", "/events/1")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/\n/evil.example", "/")]
    [InlineData("", "/")]
    [InlineData("events/1", "/")]
    [InlineData("/bookings?page=2#top", "/bookings?page=2#top")]
    [InlineData(null, "/")]
    public void Return_urls_stay_on_this_site(string? returnUrl, string expected) => Assert.Equal(expected, SignInService.SafeReturnUrl(returnUrl));

    [Fact]
    public void The_attendee_csv_has_a_header_a_row_per_booking_with_its_ticket_types_and_defuses_formulas()
    {
        var at = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var booking = new BookingDto(Guid.NewGuid(), Guid.NewGuid(), "Show", at, Guid.NewGuid(), 3, 18m, 86m, "EUR", "=Confirmed", at, at, at, null, null, null, null, null,
            Lines: [new BookingLineDto(Guid.NewGuid(), "Standard", 2, 18m, 0m), new BookingLineDto(Guid.NewGuid(), "=VIP, front", 1, 50m, 0m)]);

        var lines = Endpoints.ToCsv([booking]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("BookingId,UserId,Quantity,TicketTypes,Amount,Currency,Status,BookedAt,ConfirmedAt", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"{booking.Id},{booking.UserId},3,\"2 x Standard; 1 x =VIP, front\",86,EUR,'=Confirmed,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_event_form_refuses_an_end_before_the_start_and_empty_required_fields()
    {
        var input = new EventInput { Title = "", StartsAt = "2027-01-10T20:00", EndsAt = "2027-01-10T19:00", Capacity = 0, Price = 1.234m };

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true);
        results.AddRange(input.Validate(new ValidationContext(input)));
        var fields = results.SelectMany(r => r.MemberNames).ToHashSet();

        Assert.Contains(nameof(EventInput.Title), fields);
        Assert.Contains(nameof(EventInput.Venue), fields);
        Assert.Contains(nameof(EventInput.Capacity), fields);
        Assert.Contains(nameof(EventInput.EndsAt), fields);
        Assert.Contains(nameof(EventInput.Price), fields);
    }

    [Fact]
    public void The_event_form_sends_times_as_utc()
    {
        var input = new EventInput { Title = " Gig ", Venue = "Hall", City = "Oslo", StartsAt = "2027-01-10T19:30", EndsAt = "2027-01-10T22:00", Category = "music", Capacity = 10, Price = 5m, Currency = "eur" };

        var body = input.ToBody();

        Assert.Equal(new DateTimeOffset(2027, 1, 10, 19, 30, 0, TimeSpan.Zero), body.StartsAt);
        Assert.Equal("Gig", body.Title);
        Assert.Equal("EUR", body.Currency);
    }

    [Fact]
    public void The_event_form_takes_times_on_the_event_zones_clocks_and_shows_them_back_the_same_way()
    {
        var input = new EventInput { Title = "Gig", Venue = "Hall", City = "New York", StartsAt = "2027-03-01T19:00", EndsAt = "2027-07-01T22:00", TimeZone = "America/New_York", Category = "music", Capacity = 10, Price = 5m };

        var body = input.ToBody();

        // EST (UTC-5) in March, EDT (UTC-4) in July.
        Assert.Equal(new DateTimeOffset(2027, 3, 2, 0, 0, 0, TimeSpan.Zero), body.StartsAt);
        Assert.Equal(new DateTimeOffset(2027, 7, 2, 2, 0, 0, TimeSpan.Zero), body.EndsAt);
        Assert.Equal("America/New_York", body.TimeZone);
        Assert.Equal("2027-03-01T19:00", EventInput.FormatLocal(body.StartsAt!.Value, "America/New_York"));
        Assert.Equal("2027-07-01T22:00", EventInput.FormatLocal(body.EndsAt!.Value, "America/New_York"));
    }

    [Fact]
    public void The_event_form_refuses_a_time_the_zone_skips_takes_a_repeated_one_first_and_refuses_an_unknown_zone()
    {
        // Berlin's clocks jump from 02:00 to 03:00 on 28 March 2027 and fall back from 03:00 to 02:00 on 31 October 2027.
        var skipped = new EventInput { StartsAt = "2027-03-28T02:30", EndsAt = "2027-03-28T05:00", TimeZone = "Europe/Berlin" };
        var refused = skipped.Validate(new ValidationContext(skipped)).ToList();
        Assert.Contains(refused, r => r.MemberNames.Contains(nameof(EventInput.StartsAt)) && r.ErrorMessage == SharedResource.Validation_TimeSkipped);
        Assert.Null(skipped.ToBody().StartsAt);

        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), EventInput.ParseLocal("2027-10-31T02:30", "Europe/Berlin"));

        var unknown = new EventInput { StartsAt = "2027-03-01T19:00", EndsAt = "2027-03-01T22:00", TimeZone = "Mars/Olympus_Mons" };
        Assert.Contains(unknown.Validate(new ValidationContext(unknown)), r => r.MemberNames.Contains(nameof(EventInput.TimeZone)));
        Assert.Contains("Europe/Berlin", EventInput.TimeZones);
        Assert.DoesNotContain(EventInput.TimeZones, zone => !zone.Contains('/', StringComparison.Ordinal) && zone != "UTC");
    }
}

/// <summary>The key ring's certificate (<c>DataProtection:Certificate</c>): the web refuses to start without a usable one.</summary>
public sealed class DataProtectionCertificateTests
{
    [Theory]
    [InlineData(null, "is missing")]
    [InlineData("", "is missing")]
    [InlineData("not base64!", "is not a base64 PKCS#12 certificate")]
    [InlineData("aGVsbG8=", "is not a base64 PKCS#12 certificate")]
    public void A_missing_or_broken_certificate_is_refused_with_a_message_naming_the_setting(string? value, string message)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => SharedState.LoadCertificate(value));
        Assert.Contains(SharedState.CertificateKey, refused.Message, StringComparison.Ordinal);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=test", key,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        var publicOnly = Convert.ToBase64String(X509CertificateLoader.LoadCertificate(certificate.RawData)
            .Export(X509ContentType.Pkcs12));
        var withKey = Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));

        Assert.Contains("has no private key", Assert.Throws<InvalidOperationException>(() => SharedState.LoadCertificate(publicOnly)).Message, StringComparison.Ordinal);
        using var loaded = SharedState.LoadCertificate(withKey);
        Assert.True(loaded.HasPrivateKey);
    }

    [Theory]
    [InlineData(900, "Less than 15 minutes left to pay.", "15:00")]
    [InlineData(841, "Less than 15 minutes left to pay.", "14:01")]
    [InlineData(600, "Less than 10 minutes left to pay.", "10:00")]
    [InlineData(299, "Less than 5 minutes left to pay.", "4:59")]
    [InlineData(121, "Less than 3 minutes left to pay.", "2:01")]
    [InlineData(61, "Less than 2 minutes left to pay.", "1:01")]
    [InlineData(60, "Less than a minute left to pay.", "1:00")]
    [InlineData(1, "Less than a minute left to pay.", "0:01")]
    [InlineData(0, "Your seats are no longer held.", "0:00")]
    [InlineData(-5, "Your seats are no longer held.", "0:00")]
    public void The_hold_countdown_shows_every_second_but_speaks_in_steps(int secondsLeft, string announcement, string clock)
    {
        using var english = TestTexts.InCulture("en");
        Assert.Equal(announcement, HoldCountdown.Announcement(TestTexts.Localizer, TimeSpan.FromSeconds(secondsLeft)));
        Assert.Equal(clock, HoldCountdown.Clock(TimeSpan.FromSeconds(secondsLeft)));
    }

    [Fact]
    public void The_hold_countdown_speaks_at_most_a_dozen_times_in_a_quarter_of_an_hour()
    {
        var said = Enumerable.Range(0, 15 * 60 + 1).Select(s => HoldCountdown.Announcement(TestTexts.Localizer, TimeSpan.FromSeconds(15 * 60 - s))).Distinct().Count();
        Assert.InRange(said, 2, 12);
    }
}
