using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using EventBooking.Messaging.Contracts;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notifications.Api.Email;

/// <summary>
/// The security emails of an account (verify your address, reset your password): each carries a one-time link to the web.
/// They are not notifications: they are not listed in the app (a reset link there would hand the account to whoever holds a
/// session), ignore the email preferences (an account must be recoverable), and are never stored here, so the raw token
/// rests in no database of ours (users-api keeps its hash).
/// </summary>
public sealed class AccountEmails(IOptions<EmailOptions> options)
{
    public const string VerifyEmailPath = "/account/verify-email";
    public const string ResetPasswordPath = "/account/reset-password";

    public MimeMessage Render(EmailVerificationRequested e, Guid messageId) => Render(messageId, "email-verification", e.Email, e.DisplayName,
        "Verify your email address",
        "Open this link to verify your email address. You need a verified address to book tickets.",
        Link(VerifyEmailPath, e.Token), "Verify my email address", e.ExpiresAt,
        "If you did not create an EventBooking account, ignore this email.");

    public MimeMessage Render(PasswordResetRequested e, Guid messageId) => Render(messageId, "password-reset", e.Email, e.DisplayName,
        "Reset your password",
        "Someone (we hope you) asked to reset the password of your EventBooking account. Open this link to choose a new one. " +
        "Choosing it signs you out everywhere.",
        Link(ResetPasswordPath, e.Token), "Choose a new password", e.ExpiresAt,
        "If you did not ask for this, ignore this email: your password stays as it is.");

    private string Link(string path, string token) =>
        new Uri(new Uri(options.Value.WebBaseUrl), $"{path}?token={Uri.EscapeDataString(token)}").ToString();

    private MimeMessage Render(Guid messageId, string kind, string email, string? name, string subject, string body, string link, string action,
        DateTimeOffset expiresAt, string ignore)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(new MailboxAddress(name ?? "", email));
        message.Subject = subject;
        // Derived from the bus message id: a redelivery sends an email recognisable as the same one.
        message.MessageId = $"{MessageKey(messageId)}@notifications.eventbooking.local";
        message.Headers.Add("X-EventBooking-Kind", kind);

        var greeting = string.IsNullOrWhiteSpace(name) ? "Hello," : $"Hello {name},";
        var expires = $"The link works once, until {expiresAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC.";
        var html = HtmlEncoder.Default;
        message.Body = new BodyBuilder
        {
            TextBody = new StringBuilder().AppendLine(greeting).AppendLine().AppendLine(body).AppendLine().AppendLine(link).AppendLine()
                .AppendLine(expires).AppendLine(ignore).ToString(),
            HtmlBody = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif;color:#222\">")
                .Append("<h2>").Append(html.Encode(subject)).Append("</h2>")
                .Append("<p>").Append(html.Encode(greeting)).Append("</p>")
                .Append("<p>").Append(html.Encode(body)).Append("</p>")
                .Append("<p><a href=\"").Append(html.Encode(link)).Append("\">").Append(html.Encode(action)).Append("</a></p>")
                .Append("<p>").Append(html.Encode(expires)).Append("<br/>").Append(html.Encode(ignore)).Append("</p>")
                .Append("</body></html>").ToString(),
        }.ToMessageBody();
        return message;
    }

    private static string MessageKey(Guid messageId) => Convert.ToHexStringLower(SHA256.HashData(messageId.ToByteArray()))[..32];
}
