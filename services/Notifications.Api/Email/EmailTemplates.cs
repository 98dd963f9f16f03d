using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using EventBooking.Messaging;
using Microsoft.Extensions.Localization;
using MimeKit;
using MimeKit.Utils;
using Notifications.Api.IntegrationEvents;
using Notifications.Api.Model;
using Notifications.Api.Resources;
using Notifications.Api.Services;
using QRCoder;

namespace Notifications.Api.Email;

/// <summary>
/// Renders a notification as an email: HTML and plain-text parts, ticket QR codes inline, and, when the notification carries
/// one, the event's calendar object (see <see cref="WithCalendar"/>). Its words (around the notification's own, which were
/// written in the recipient's language when it was stored) are in <paramref name="language"/> of <see cref="Render"/>.
/// </summary>
public sealed class EmailTemplates(Microsoft.Extensions.Options.IOptions<EmailOptions> options, IStringLocalizer<NotificationResource> L, RecipientLanguages languages)
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <param name="calendar">The event's current calendar entry (from events-api) when <see cref="Notification.Calendar"/> asks for one.</param>
    /// <param name="language">The recipient's preferred language (users-api; null: the default).</param>
    public MimeMessage Render(Notification notification, string recipientEmail, string? recipientName, CalendarEntry? calendar = null, string? language = null) =>
        languages.In(language, () => RenderInCurrentCulture(notification, recipientEmail, recipientName, calendar));

    private MimeMessage RenderInCurrentCulture(Notification notification, string recipientEmail, string? recipientName, CalendarEntry? calendar)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(new MailboxAddress(recipientName ?? "", recipientEmail));
        message.Subject = notification.Title;
        // A stable Message-ID: a resend after a lost acknowledgement is recognisable as the same email.
        message.MessageId = $"{notification.Id:N}@notifications.eventbooking.local";
        message.Headers.Add("X-EventBooking-Notification-Id", notification.Id.ToString());
        message.Headers.Add("X-EventBooking-Kind", notification.Kind);

        var link = notification.Link is null ? null : new Uri(new Uri(settings.WebBaseUrl), notification.Link).ToString();
        string greeting = string.IsNullOrWhiteSpace(recipientName) ? L["Email_Hello"] : L["Email_HelloName", recipientName];
        var builder = new BodyBuilder();
        var text = new StringBuilder();
        var html = new StringBuilder();

        text.AppendLine(greeting).AppendLine().AppendLine(notification.Body);
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif;color:#222\">")
            .Append("<h2>").Append(Html.Encode(notification.Title)).Append("</h2>")
            .Append("<p>").Append(Html.Encode(greeting)).Append("</p>")
            .Append("<p>").Append(Html.Encode(notification.Body)).Append("</p>");

        if (notification.EventTitle is not null)
        {
            var when = notification.EventStartsAt is { } startsAt ? L.When(startsAt, notification.EventTimeZone, "Email_WhenPattern") : null;
            text.AppendLine().Append(L["Email_Event"]).Append(' ').AppendLine(notification.EventTitle);
            html.Append("<p><strong>").Append(Html.Encode(L["Email_Event"])).Append("</strong> ").Append(Html.Encode(notification.EventTitle));
            if (when is not null)
            {
                text.Append(L["Email_When"]).Append(' ').AppendLine(when);
                html.Append("<br/><strong>").Append(Html.Encode(L["Email_When"])).Append("</strong> ").Append(Html.Encode(when));
            }

            html.Append("</p>");
        }

        if (notification.Tickets.Count > 0)
        {
            text.AppendLine().Append(L["Email_YourTickets"]).AppendLine(":");
            html.Append("<h3>").Append(Html.Encode(L["Email_YourTickets"])).Append("</h3><table cellpadding=\"8\">");
            foreach (var ticket in notification.Tickets.OrderBy(t => t.EntryNumber))
            {
                var image = builder.LinkedResources.Add($"ticket-{ticket.TicketNumber}.png", QrPng(ticket.Code), new ContentType("image", "png"));
                image.ContentId = MimeUtils.GenerateMessageId();
                text.Append("  ").AppendLine(L["Email_TicketLine", ticket.TicketNumber, ticket.EntryNumber, ticket.Code]);
                if (ticket.TicketTypeName is { Length: > 0 } typeName)
                {
                    text.Append("    ").AppendLine(L["Email_TicketType", typeName]);
                }

                if (ticket.Seat is { } seat)
                {
                    text.Append("    ").AppendLine(L["Email_Seat", seat.Area, seat.Row, seat.Number]);
                }

                html.Append("<tr><td><img alt=\"").Append(Html.Encode(L["Email_QrAlt", ticket.TicketNumber]))
                    .Append("\" width=\"160\" height=\"160\" src=\"cid:").Append(image.ContentId).Append("\"/></td><td>")
                    .Append("<strong>").Append(Html.Encode(L["Email_Ticket", ticket.TicketNumber])).Append("</strong><br/>")
                    .Append(ticket.TicketTypeName is { Length: > 0 } type ? Html.Encode(L["Email_TicketType", type]) + "<br/>" : "")
                    .Append(ticket.Seat is { } place ? Html.Encode(L["Email_Seat", place.Area, place.Row, place.Number]) + "<br/>" : "")
                    .Append(Html.Encode(L["Email_Entry", ticket.EntryNumber])).Append("<br/><code>")
                    .Append(Html.Encode(ticket.Code)).Append("</code></td></tr>");
            }

            html.Append("</table>");
        }

        if (link is not null)
        {
            text.AppendLine().Append(L["Email_Details"]).Append(' ').AppendLine(link);
            html.Append("<p><a href=\"").Append(Html.Encode(link)).Append("\">").Append(Html.Encode(L["Email_ViewDetails"])).Append("</a></p>");
        }

        string footer = L["Email_Footer"];
        text.AppendLine().AppendLine("-- ").AppendLine(footer);
        html.Append("<hr/><p style=\"font-size:small;color:#666\">").Append(Html.Encode(footer)).Append("</p></body></html>");

        builder.TextBody = text.ToString();
        builder.HtmlBody = html.ToString();
        message.Body = builder.ToMessageBody();
        if (calendar is not null && notification.Calendar is { } method)
        {
            // An event cancelled by the time this email goes out is withdrawn, whatever the notification was about.
            var effective = calendar.Cancelled ? CalendarMethod.Cancel : method;
            var entry = calendar with { Url = new Uri(new Uri(settings.WebBaseUrl), $"/events/{calendar.EventId}") };
            var ics = CalendarWriter.Write(entry, effective, notification.CreatedAt,
                new CalendarParty(settings.FromAddress, settings.FromName), new CalendarParty(recipientEmail, recipientName));
            message.Body = WithCalendar(message.Body, ics, effective, CalendarWriter.FileName(calendar.EventId));
        }

        return message;
    }

    /// <summary>
    /// Adds an iMIP calendar object (RFC 6047) the way calendar invitations travel between Gmail and Outlook: a
    /// <c>text/calendar; method=…</c> alternative beside the text and HTML (what mail clients turn into the invitation card and
    /// apply to the calendar: a later one with the same UID and a higher SEQUENCE moves the entry, a CANCEL removes it), and
    /// the same object as an <c>.ics</c> attachment (<c>application/ics</c>, so it is offered as a file without being applied twice).
    /// </summary>
    private static Multipart WithCalendar(MimeEntity body, string ics, CalendarMethod method, string fileName)
    {
        var bytes = Encoding.UTF8.GetBytes(ics);
        var invitation = new MimePart(CalendarWriter.MediaType)
        {
            Content = new MimeContent(new MemoryStream(bytes)),
            ContentTransferEncoding = ContentEncoding.Base64,
        };
        invitation.ContentType.Charset = "utf-8";
        invitation.ContentType.Parameters.Add("method", CalendarWriter.MethodName(method));
        var alternative = body as MultipartAlternative ?? new MultipartAlternative { body };
        alternative.Add(invitation);

        var attachment = new MimePart("application", "ics")
        {
            Content = new MimeContent(new MemoryStream(bytes)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = fileName,
        };
        return new Multipart("mixed") { alternative, attachment };
    }

    private static byte[] QrPng(string code)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.Q);
        return new PngByteQRCode(data).GetGraphic(6);
    }
}
