using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using EventBooking.Messaging.Contracts;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;
using Notifications.Api.Resources;
using Notifications.Api.Services;

namespace Notifications.Api.Email;

/// <summary>
/// The security emails of an account (verify your address, reset your password): each carries a one-time link to the web.
/// They are not notifications: they are not listed in the app (a reset link there would hand the account to whoever holds a
/// session), ignore the email preferences (an account must be recoverable), and are never stored here, so the raw token
/// rests in no database of ours (users-api keeps its hash). Written in the account's preferred language (<c>language</c>).
/// </summary>
public sealed class AccountEmails(IOptions<EmailOptions> options, IStringLocalizer<NotificationResource> L, RecipientLanguages languages)
{
    public const string VerifyEmailPath = "/account/verify-email";
    public const string ResetPasswordPath = "/account/reset-password";

    public MimeMessage Render(EmailVerificationRequested e, Guid messageId, string? language = null) => languages.In(language, () =>
        Render(messageId, "email-verification", e.Email, e.DisplayName, L["Account_VerifySubject"], L["Account_VerifyBody"],
            Link(VerifyEmailPath, e.Token), L["Account_VerifyAction"], e.ExpiresAt, L["Account_VerifyIgnore"]));

    public MimeMessage Render(PasswordResetRequested e, Guid messageId, string? language = null) => languages.In(language, () =>
        Render(messageId, "password-reset", e.Email, e.DisplayName, L["Account_ResetSubject"], L["Account_ResetBody"],
            Link(ResetPasswordPath, e.Token), L["Account_ResetAction"], e.ExpiresAt, L["Account_ResetIgnore"]));

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

        string greeting = string.IsNullOrWhiteSpace(name) ? L["Email_Hello"] : L["Email_HelloName", name];
        string expires = L["Account_Expires", expiresAt.ToUniversalTime().ToString(L["Account_ExpiresPattern"], System.Globalization.CultureInfo.CurrentCulture)];
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
