using System.Text;
using Xunit;
using IcalCalendar = Ical.Net.Calendar;

namespace EventBooking.Messaging.Tests;

/// <summary>The one iCalendar writer (RFC 5545): line ends, folding, escaping, and what an independent parser reads back.</summary>
public sealed class CalendarWriterTests
{
    private static readonly DateTimeOffset Stamp = new(2030, 5, 1, 9, 30, 0, TimeSpan.Zero);

    private static CalendarEntry Entry(string title = "Jazz at the harbour", string? description = "An evening of standards.", bool cancelled = false) => new(
        Guid.Parse("0194a5b2-0000-7000-8000-000000000001"), 3,
        new DateTimeOffset(2030, 6, 1, 20, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2030, 6, 1, 23, 0, 0, TimeSpan.FromHours(1)),
        title, "Harbour Hall", "Lisbon", description, new Uri("https://tickets.example/events/0194a5b2-0000-7000-8000-000000000001"), cancelled);

    [Fact]
    public void Every_line_ends_with_CRLF_and_no_line_is_longer_than_75_octets()
    {
        var ics = CalendarWriter.Write(Entry(title: new string('x', 300), description: string.Concat(Enumerable.Repeat("Ünïcödé € 🎷 ", 40))),
            CalendarMethod.Publish, Stamp);

        Assert.EndsWith("END:VCALENDAR\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\n\r\n", ics, StringComparison.Ordinal);
        // No bare CR or LF anywhere: every LF is preceded by CR and every CR followed by LF.
        for (var i = 0; i < ics.Length; i++)
        {
            if (ics[i] == '\n') { Assert.Equal('\r', ics[i - 1]); }
            if (ics[i] == '\r') { Assert.Equal('\n', ics[i + 1]); }
        }

        var lines = ics.Split("\r\n")[..^1];
        Assert.All(lines, line => Assert.InRange(Encoding.UTF8.GetByteCount(line), 1, CalendarWriter.MaxLineOctets));
        Assert.Contains(lines, line => line.StartsWith(' '));
    }

    [Fact]
    public void Folding_never_splits_a_multi_byte_character_and_unfolds_to_the_original_line()
    {
        // 2-, 3- and 4-octet characters (a surrogate pair in UTF-16) placed so that naive 75-byte cuts would fall inside them.
        foreach (var filler in new[] { "é", "€", "🎷", "a€", "ab🎷" })
        {
            var line = "DESCRIPTION:" + string.Concat(Enumerable.Repeat(filler, 60));
            var folded = CalendarWriter.Fold(line);

            var physical = folded.Split("\r\n")[..^1];
            Assert.True(physical.Length > 1);
            foreach (var part in physical)
            {
                var bytes = Encoding.UTF8.GetBytes(part);
                Assert.InRange(bytes.Length, 1, 75);
                // Strict decoding round-trips: no part starts or ends inside a character.
                Assert.Equal(part, new UTF8Encoding(false, true).GetString(bytes));
                Assert.False(char.IsHighSurrogate(part[^1]));
            }

            Assert.All(physical.Skip(1), part => Assert.StartsWith(" ", part, StringComparison.Ordinal));
            Assert.Equal(line, folded.Replace("\r\n ", "", StringComparison.Ordinal).TrimEnd('\r', '\n'));
        }
    }

    [Fact]
    public void A_line_of_exactly_75_octets_is_not_folded_and_one_more_octet_is()
    {
        var exact = "SUMMARY:" + new string('a', 75 - 8);
        Assert.Equal(exact + "\r\n", CalendarWriter.Fold(exact));
        Assert.Equal(exact + "\r\n b\r\n", CalendarWriter.Fold(exact + "b"));
    }

    [Fact]
    public void Text_values_escape_backslash_semicolon_comma_and_line_breaks()
    {
        Assert.Equal(@"a\\b\;c\,d\ne\nf\ng", CalendarWriter.Text("a\\b;c,d\r\ne\nf\rg"));
        // TEXT may not hold control characters (tab excepted); a colon needs no escape.
        Assert.Equal("a\tb:c", CalendarWriter.Text("a\tb\u0001\u007f:c"));
    }

    [Fact]
    public void A_published_event_reads_back_with_a_real_parser()
    {
        const string tricky = "Rock, paper; scissors \\ more\nSecond line";
        var ics = CalendarWriter.Write(Entry(title: tricky, description: "Bring: ear plugs, a coat; cash.\nDoors 19:30."), CalendarMethod.Publish, Stamp);

        var calendar = IcalCalendar.Load(ics)!;
        Assert.Equal("PUBLISH", calendar.Method);
        Assert.Equal("2.0", calendar.Version);
        Assert.Equal(CalendarWriter.ProductId, calendar.ProductId);
        var e = Assert.Single(calendar.Events);
        Assert.Equal("event-0194a5b2-0000-7000-8000-000000000001@eventbooking", e.Uid);
        Assert.Equal(3, e.Sequence);
        Assert.Equal(tricky, e.Summary);
        Assert.Equal("Harbour Hall, Lisbon", e.Location);
        Assert.StartsWith("Bring: ear plugs, a coat; cash.\nDoors 19:30.\n\nhttps://tickets.example/events/", e.Description, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://tickets.example/events/0194a5b2-0000-7000-8000-000000000001"), e.Url);
        Assert.Equal("CONFIRMED", e.Status);
        Assert.True(e.DtStart!.IsUtc);
        Assert.Equal(new DateTime(2030, 6, 1, 19, 0, 0, DateTimeKind.Utc), e.DtStart.Value);
        Assert.Equal(new DateTime(2030, 6, 1, 22, 0, 0, DateTimeKind.Utc), e.DtEnd!.Value);
        Assert.Equal(new DateTime(2030, 5, 1, 9, 30, 0, DateTimeKind.Utc), e.DtStamp!.Value);
        Assert.Null(e.Organizer);
        Assert.Empty(e.Attendees);
    }

    [Fact]
    public void An_invitation_names_organizer_and_attendee_and_a_cancellation_is_cancelled()
    {
        var organizer = new CalendarParty("no-reply@eventbooking.local", "EventBooking");
        var attendee = new CalendarParty("ana@example.com", "Ana \"the fan\" Silva, Lisbon");

        var request = Assert.Single(IcalCalendar.Load(CalendarWriter.Write(Entry(), CalendarMethod.Request, Stamp, organizer, attendee))!.Events);
        Assert.Equal(new Uri("mailto:no-reply@eventbooking.local"), request.Organizer!.Value);
        Assert.Equal("EventBooking", request.Organizer.CommonName);
        var who = Assert.Single(request.Attendees);
        Assert.Equal(new Uri("mailto:ana@example.com"), who.Value);
        Assert.Equal("Ana the fan Silva, Lisbon", who.CommonName);
        Assert.Equal("ACCEPTED", who.ParticipationStatus);
        Assert.False(who.Rsvp);

        var cancel = IcalCalendar.Load(CalendarWriter.Write(Entry(), CalendarMethod.Cancel, Stamp, organizer, attendee))!;
        Assert.Equal("CANCEL", cancel.Method);
        Assert.Equal("CANCELLED", Assert.Single(cancel.Events).Status);
        Assert.Equal("CANCELLED", Assert.Single(IcalCalendar.Load(CalendarWriter.Write(Entry(cancelled: true), CalendarMethod.Publish, Stamp))!.Events).Status);

        Assert.Throws<ArgumentException>(() => CalendarWriter.Write(Entry(), CalendarMethod.Request, Stamp));
    }
}
