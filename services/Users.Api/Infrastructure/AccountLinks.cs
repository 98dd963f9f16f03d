using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Users.Api.Model;

namespace Users.Api.Infrastructure;

/// <summary>
/// The one-time links users-api mails (email verification, password reset): issuing one stores its hash and queues the
/// integration event that carries the raw token to notifications-api, in the caller's next <c>SaveChangesAsync</c> (one
/// transaction, so a link is never mailed without being stored, nor stored without being mailed).
/// </summary>
public sealed class AccountLinks(UsersDbContext db, TimeProvider time, IOptions<AccountOptions> options)
{
    /// <summary>Queues a verification link for the user's current address.</summary>
    public void AddVerificationLink(User user)
    {
        var (token, value) = AccountToken.Issue(user, AccountTokenPurpose.VerifyEmail, time.GetUtcNow(), options.Value.VerificationLinkLifetime);
        db.AccountTokens.Add(token);
        db.AddIntegrationEvent(new EmailVerificationRequested(user.Id, user.Email, user.DisplayName, value, token.ExpiresAt));
    }

    /// <summary>Queues a password reset link for the user's current address.</summary>
    public void AddResetLink(User user)
    {
        var (token, value) = AccountToken.Issue(user, AccountTokenPurpose.ResetPassword, time.GetUtcNow(), options.Value.ResetLinkLifetime);
        db.AccountTokens.Add(token);
        db.AddIntegrationEvent(new PasswordResetRequested(user.Id, user.Email, user.DisplayName, value, token.ExpiresAt));
    }

    /// <summary>The token a link carries and its user, both tracked; nulls when no such link was ever issued.</summary>
    public async Task<(AccountToken? Token, User? User)> FindAsync(string value, AccountTokenPurpose purpose, CancellationToken cancellationToken)
    {
        var hash = AccountToken.Hash(value);
        var token = await db.AccountTokens.SingleOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose, cancellationToken);
        var user = token is null ? null : await db.FindUserAsync(token.UserId, cancellationToken, tracking: true);
        return (token, user);
    }

    /// <summary>Marks every unused link of this purpose of the user as used (a reset ends the other reset links).</summary>
    public Task<int> EndAllAsync(Guid userId, AccountTokenPurpose purpose, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.AccountTokens.Where(t => t.UserId == userId && t.Purpose == purpose && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
    }
}
