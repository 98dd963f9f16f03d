using EventBooking.Messaging.Contracts;
using Microsoft.Extensions.DependencyInjection;
using EventBooking.Testing;
using Microsoft.Extensions.Options;
using Notifications.Api.Email;

namespace Notifications.Api.Tests;

/// <summary>
/// The account emails (verification, password reset) from users-api's events, over real RabbitMQ and SMTP: one email with the
/// link to the web, and nothing stored here (the raw token rests in no database of this service).
/// </summary>
public sealed class AccountEmailTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_verification_and_a_reset_request_are_each_mailed_once_with_their_link_and_never_stored_as_notifications()
    {
        var user = Guid.CreateVersion7();
        var email = $"{user:N}@example.test";
        var expires = DateTimeOffset.UtcNow.AddMinutes(30);
        var webBase = app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.WebBaseUrl.TrimEnd('/');

        await app.PublishAsync(new EmailVerificationRequested(user, email, "Ada Lovelace", "verify-token-123", expires), Guid.CreateVersion7());
        var verify = await Mail.WaitForLinkAsync(app.Smtp.System.Maildir, email, "email-verification", "/account/verify-email", Timeout,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal($"{webBase}/account/verify-email?token=verify-token-123", verify.ToString());

        var reset = new PasswordResetRequested(user, email, "Ada Lovelace", "reset-token-456", expires);
        var resetMessage = Guid.CreateVersion7();
        await app.PublishAsync(reset, resetMessage);
        var link = await Mail.WaitForLinkAsync(app.Smtp.System.Maildir, email, "password-reset", "/account/reset-password", Timeout,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("reset-token-456", Mail.TokenOf(link));
        var mailed = Assert.Single(Mail.Of(app.Smtp.System.Maildir, email, "password-reset"));
        Assert.Equal("Reset your password", mailed.Subject);
        Assert.Contains("The link works once", mailed.TextBody, StringComparison.Ordinal);

        // Security emails are not notifications: nothing listed for the user, nothing kept with the token in it.
        Assert.Empty((await app.ListAsync(user)).Items);
        Assert.Single(Mail.Of(app.Smtp.System.Maildir, email, "email-verification"));
    }
}
