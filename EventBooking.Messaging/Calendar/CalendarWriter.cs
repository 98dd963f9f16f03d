using System.Globalization;
using System.Text;

namespace EventBooking.Messaging;

/// <summary>What an iCalendar object asks of its reader (RFC 5546): publish a copy, invite to it (iMIP), or withdraw it.</summary>
public enum CalendarMethod
{
    /// <summary>A copy to add to a calendar (the event page's download).</summary>
    Publish,
    /// <summary>An invitation sent to one attendee by email; a later one with the same UID and a higher SEQUENCE replaces it.</summary>
    Request,
    /// <summary>The event is off: calendars remove (or strike through) the entry with this UID.</summary>
    Cancel,
}

/// <summary>
/// One event as calendars show it. <paramref name="Sequence"/> is the event's calendar revision (RFC 5545 SEQUENCE): it goes
/// up whenever the time or place changes or the event is cancelled, so calendars replace an older copy with a newer one.
/// </summary>
public sealed record CalendarEntry(
    Guid EventId, int Sequence, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Title, string Venue, string City,
    string? Description, Uri? Url, bool Cancelled)
{
    /// <summary>The event's UID in every calendar object about it, whoever writes it (events-api's download, notifications' emails).</summary>
    public string Uid => UidOf(EventId);

    public static string UidOf(Guid eventId) => $"event-{eventId}@eventbooking";
}

/// <summary>An ORGANIZER or ATTENDEE of an emailed invitation: an address and an optional display name.</summary>
public sealed record CalendarParty(string Email, string? Name);

/// <summary>
/// Writes iCalendar objects (RFC 5545) for one event: CRLF line ends, content lines folded at 75 octets without splitting a
/// UTF-8 character, TEXT values escaped, times in UTC. events-api's <c>calendar.ics</c> and notifications-api's email
/// attachments both come from here, so the two never disagree on a UID or a SEQUENCE.
/// </summary>
public static class CalendarWriter
{
    /// <summary>The media type, without its <c>method</c> and <c>charset</c> parameters.</summary>
    public const string MediaType = "text/calendar";

    public const string ProductId = "-//EventBooking//Event Calendar 1.0//EN";

    /// <summary>At most this many octets per line, the CRLF not counted (RFC 5545 §3.1).</summary>
    public const int MaxLineOctets = 75;

    private const string Crlf = "\r\n";

    /// <summary>
    /// The iCalendar object for <paramref name="entry"/>. <paramref name="stamp"/> is DTSTAMP (when this object was made).
    /// A <see cref="CalendarMethod.Request"/> or <see cref="CalendarMethod.Cancel"/> names its <paramref name="organizer"/>
    /// and <paramref name="attendee"/> (RFC 5546 requires both); a <see cref="CalendarMethod.Publish"/> may leave them out.
    /// </summary>
    public static string Write(CalendarEntry entry, CalendarMethod method, DateTimeOffset stamp,
        CalendarParty? organizer = null, CalendarParty? attendee = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (method != CalendarMethod.Publish && (organizer is null || attendee is null))
        {
            throw new ArgumentException($"A {MethodName(method)} names its organizer and its attendee.", nameof(method));
        }

        var cancelled = entry.Cancelled || method == CalendarMethod.Cancel;
        var text = new StringBuilder();
        Line(text, "BEGIN:VCALENDAR");
        Line(text, "VERSION:2.0");
        Line(text, "PRODID:" + ProductId);
        Line(text, "CALSCALE:GREGORIAN");
        Line(text, "METHOD:" + MethodName(method));
        Line(text, "BEGIN:VEVENT");
        Line(text, "UID:" + Text(entry.Uid));
        Line(text, "DTSTAMP:" + DateTime(stamp));
        Line(text, "SEQUENCE:" + Math.Max(0, entry.Sequence).ToString(CultureInfo.InvariantCulture));
        Line(text, "DTSTART:" + DateTime(entry.StartsAt));
        Line(text, "DTEND:" + DateTime(entry.EndsAt));
        Line(text, "SUMMARY:" + Text(entry.Title));
        Line(text, "LOCATION:" + Text(string.Join(", ", new[] { entry.Venue, entry.City }.Where(p => !string.IsNullOrWhiteSpace(p)))));
        if (Describe(entry) is { Length: > 0 } description)
        {
            Line(text, "DESCRIPTION:" + Text(description));
        }

        if (entry.Url is { IsAbsoluteUri: true } url)
        {
            Line(text, "URL:" + url.AbsoluteUri);
        }

        Line(text, "STATUS:" + (cancelled ? "CANCELLED" : "CONFIRMED"));
        Line(text, "TRANSP:OPAQUE");
        if (organizer is not null)
        {
            Line(text, "ORGANIZER" + CommonName(organizer) + ":" + MailTo(organizer));
        }

        if (attendee is not null)
        {
            // A ticket holder is going: nothing to answer (RSVP=FALSE), so calendars show no accept/decline request.
            Line(text, "ATTENDEE" + CommonName(attendee) + ";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:" + MailTo(attendee));
        }

        Line(text, "END:VEVENT");
        Line(text, "END:VCALENDAR");
        return text.ToString();
    }

    /// <summary>The method's name as METHOD and the media type's <c>method</c> parameter spell it.</summary>
    public static string MethodName(CalendarMethod method) => method switch
    {
        CalendarMethod.Publish => "PUBLISH",
        CalendarMethod.Request => "REQUEST",
        CalendarMethod.Cancel => "CANCEL",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>A file name for the event's calendar object: <c>event-{id}.ics</c>.</summary>
    public static string FileName(Guid eventId) => $"event-{eventId}.ics";

    /// <summary>
    /// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, every line break becomes
    /// <c>\n</c>, and control characters (which TEXT may not hold) other than tab are dropped.
    /// </summary>
    public static string Text(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case ';': escaped.Append(@"\;"); break;
                case ',': escaped.Append(@"\,"); break;
                case '\r':
                    escaped.Append(@"\n");
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                case '\n': escaped.Append(@"\n"); break;
                case '\t': escaped.Append(c); break;
                case < ' ' or '\u007f': break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// Folds one content line (RFC 5545 §3.1): no physical line longer than 75 octets of UTF-8, continuation lines start with
    /// one space (which counts), and a multi-byte character or a surrogate pair is never split. Ends with CRLF.
    /// </summary>
    public static string Fold(string contentLine)
    {
        var folded = new StringBuilder(contentLine.Length + 8);
        var octets = 0;
        foreach (var rune in contentLine.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > MaxLineOctets)
            {
                folded.Append(Crlf).Append(' ');
                octets = 1;
            }

            folded.Append(rune.ToString());
            octets += size;
        }

        return folded.Append(Crlf).ToString();
    }

    private static void Line(StringBuilder text, string contentLine) => text.Append(Fold(contentLine));

    private static string DateTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The event's own words, then its page (calendars that ignore URL still show the link).</summary>
    private static string Describe(CalendarEntry entry)
    {
        var parts = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(entry.Description))
        {
            parts.Add(entry.Description.Trim());
        }

        if (entry.Url is { IsAbsoluteUri: true } url)
        {
            parts.Add(url.AbsoluteUri);
        }

        return string.Join("\n\n", parts);
    }

    /// <summary>A CN parameter, always quoted (a name may hold ':', ';' or ','); DQUOTE and controls cannot appear in one and are dropped.</summary>
    private static string CommonName(CalendarParty party)
    {
        if (string.IsNullOrWhiteSpace(party.Name))
        {
            return "";
        }

        var name = new string([.. party.Name.Where(c => c != '"' && !char.IsControl(c))]).Trim();
        return name.Length == 0 ? "" : ";CN=\"" + name + "\"";
    }

    private static string MailTo(CalendarParty party) => "mailto:" + party.Email.Trim();
}
