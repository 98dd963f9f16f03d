using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.Extensions.Options;
using Notifications.Api.Clients;
using Notifications.Api.Email;

namespace Notifications.Api.IntegrationEvents;

/// <summary>
/// Sends an account's security email (<see cref="AccountEmails"/>) straight over SMTP while handling the message, so the
/// token is never written to this service's store: an SMTP failure throws and the bus retries with backoff, then
/// dead-letters. A crash between the SMTP accept and the ack sends the same email (same Message-ID) again, which is harmless.
/// The email is in the account's preferred language, asked of users-api (the default when it does not say).
/// </summary>
public sealed partial class AccountEmailHandler(AccountEmails emails, IUserDirectory users, IOptions<EmailOptions> options, TimeProvider time,
    ILogger<AccountEmailHandler> logger)
    : IIntegrationEventHandler<EmailVerificationRequested>, IIntegrationEventHandler<PasswordResetRequested>
{
    public async Task HandleAsync(IntegrationEventEnvelope<EmailVerificationRequested> message, CancellationToken cancellationToken)
    {
        var e = message.Data is { } data && Valid(data.UserId, data.Email, data.Token)
            ? data
            : throw new PoisonMessageException($"The {message.Type} message lacks a user, an address or a token.");
        var language = await LanguageOfAsync(e.UserId, cancellationToken);
        await SendAsync(emails.Render(e, message.Id, language), message.Type, e.UserId, e.ExpiresAt, cancellationToken);
    }

    public async Task HandleAsync(IntegrationEventEnvelope<PasswordResetRequested> message, CancellationToken cancellationToken)
    {
        var e = message.Data is { } data && Valid(data.UserId, data.Email, data.Token)
            ? data
            : throw new PoisonMessageException($"The {message.Type} message lacks a user, an address or a token.");
        var language = await LanguageOfAsync(e.UserId, cancellationToken);
        await SendAsync(emails.Render(e, message.Id, language), message.Type, e.UserId, e.ExpiresAt, cancellationToken);
    }

    private async Task<string?> LanguageOfAsync(Guid userId, CancellationToken cancellationToken) =>
        (await users.LanguagesAsync([userId], logger, cancellationToken)).GetValueOrDefault(userId);

    private async Task SendAsync(MimeKit.MimeMessage email, string type, Guid userId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (expiresAt <= time.GetUtcNow())
        {
            // Delayed past its expiry (an outage, a replay from the dead letters): the link would only disappoint.
            LogExpired(logger, type, userId);
            return;
        }

        await using var smtp = new SmtpSession(options, time);
        await smtp.SendAsync(email, cancellationToken);
        LogSent(logger, type, userId);
    }

    private static bool Valid(Guid userId, string? email, string? token) =>
        userId != Guid.Empty && !string.IsNullOrWhiteSpace(email) && !string.IsNullOrWhiteSpace(token);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account email for {Type} sent to user {UserId}")]
    private static partial void LogSent(ILogger logger, string type, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account email for {Type} to user {UserId} not sent: its link had expired")]
    private static partial void LogExpired(ILogger logger, string type, Guid userId);
}
