using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Users.Api.Infrastructure;
using Users.Api.Model;

namespace Users.Api.Apis;

/// <summary>
/// What people do through a link we email them: verify their address (needed to book) and reset a forgotten password.
/// Links carry one-time tokens (<see cref="AccountToken"/>); notifications-api mails them.
/// </summary>
public static partial class AccountLinksApi
{
    /// <summary>Tries of a link's use when the account or the link changes at the same moment (optimistic concurrency).</summary>
    private const int MaxAttempts = 3;

    public static IEndpointRouteBuilder MapAccountLinksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Users");

        api.MapPost("/verify-email", VerifyEmail).WithName("VerifyEmail").WithSummary("Verifies an address with the token of the link we emailed.")
            .WithDescription("`204` once the address is verified (opening a used link of an address already verified answers `204` too). " +
                "An unknown, expired or used token, or one sent to an address the account no longer has, is `400 invalid-verification-link`. " +
                "Access tokens say `email_verified` from the next sign-in or refresh.")
            .WithRequestExample(new VerifyEmailRequest("q3Lx0mW1k2..."))
            .Refuses(StatusCodes.Status400BadRequest, UserErrors.InvalidVerificationLink.Code)
            .RequireRateLimiting(ConnectApi.TokenRateLimit);
        api.MapPost("/me/verification-email", ResendVerificationEmail).WithName("ResendVerificationEmail")
            .WithSummary("Emails the signed-in user a new verification link.")
            .WithDescription("Earlier links keep working until they expire. An address already verified is `409 email-already-verified`.")
            .Refuses(StatusCodes.Status404NotFound, UserErrors.UserNotFound.Code)
            .Refuses(StatusCodes.Status409Conflict, UserErrors.EmailAlreadyVerified.Code)
            .RequireAuthorization(Policies.User).RequireRateLimiting(UsersApi.RegisterRateLimit);
        api.MapPost("/forgot-password", ForgotPassword).WithName("ForgotPassword").WithSummary("Emails a password reset link to the address, if it has an account.")
            .WithDescription("An address with an account and one without get the same `202`, so the answer never tells who has an account. " +
                "The link works once, for 30 minutes.")
            .WithRequestExample(new ForgotPasswordRequest("ada@example.com"))
            .RequireRateLimiting(UsersApi.LoginRateLimit);
        api.MapPost("/reset-password", ResetPassword).WithName("ResetPassword").WithSummary("Sets a new password with the token of a reset link.")
            .WithDescription("Ends every session of the account (refresh tokens stop working) and every other reset link; the link also " +
                "verifies the address and lifts a lockout. A bad token is `400 invalid-reset-link`; a weak password is a `400` naming `newPassword`.")
            .WithRequestExample(new ResetPasswordRequest("q3Lx0mW1k2...", "Correct-Horse-43!"))
            .Refuses(StatusCodes.Status400BadRequest, UserErrors.InvalidResetLink.Code)
            .RequireRateLimiting(UsersApi.LoginRateLimit);
        api.MapPost("/{id}/verify-email", MarkEmailVerified).WithName("MarkEmailVerified")
            .WithSummary("Marks an account's address verified (admin: support confirmed it another way).")
            .Refuses(StatusCodes.Status404NotFound, UserErrors.UserNotFound.Code)
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VerifyEmail(
        VerifyEmailRequest request, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        if (ValidateToken(request.Token) is { } error)
        {
            return error;
        }

        // A concurrent change of the account (a sign-in counts) or of the link makes the save fail: read both again and retry.
        for (var attempt = 1; ; attempt++)
        {
            var (token, user) = await services.Links.FindAsync(request.Token!, AccountTokenPurpose.VerifyEmail, cancellationToken);
            var now = services.Time.GetUtcNow();
            if (token is null || user is null)
            {
                return Problems.For(UserErrors.InvalidVerificationLink);
            }

            if (!token.IsUsableFor(user, now))
            {
                // A mail scanner or a second click opened the link first: the address is proven all the same.
                var alreadyDone = token.UsedAt is not null && user.IsEmailVerified && user.NormalizedEmail == token.NormalizedEmail;
                return alreadyDone ? TypedResults.NoContent() : Problems.For(UserErrors.InvalidVerificationLink);
            }

            token.Use(now);
            user.MarkEmailVerified(now);
            try
            {
                await services.Db.SaveChangesAsync(cancellationToken);
                LogEmailVerified(services.Logger, user.Id, "link");
                return TypedResults.NoContent();
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                services.Db.ChangeTracker.Clear();
            }
        }
    }

    public static async Task<Results<Accepted<LinkRequestAccepted>, ProblemHttpResult>> ResendVerificationEmail(
        ClaimsPrincipal principal, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var user = await services.Db.FindUserAsync(principal.UserId(), cancellationToken);
        if (user is null)
        {
            return Problems.For(UserErrors.UserNotFound);
        }

        if (user.IsEmailVerified)
        {
            return Problems.For(UserErrors.EmailAlreadyVerified);
        }

        services.Links.AddVerificationLink(user);
        await services.Db.SaveChangesAsync(cancellationToken);
        LogLinkQueued(services.Logger, user.Id, AccountTokenPurpose.VerifyEmail);
        return LinkRequestAccepted.Verification;
    }

    /// <summary>
    /// Queues a reset link when the address has an account; answers the same <c>202</c> either way (OWASP forgot-password
    /// guidance). The only difference in work is the two-row insert for a known address, milliseconds inside network jitter.
    /// </summary>
    public static async Task<Results<Accepted<LinkRequestAccepted>, ValidationProblem>> ForgotPassword(
        ForgotPasswordRequest request, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Check("email", UserRules.Email(request.Email));
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var normalized = User.Normalize(request.Email!);
        var user = await services.Db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (user is null)
        {
            LogResetForUnknownAddress(services.Logger);
            return LinkRequestAccepted.PasswordReset;
        }

        services.Links.AddResetLink(user);
        await services.Db.SaveChangesAsync(cancellationToken);
        LogLinkQueued(services.Logger, user.Id, AccountTokenPurpose.ResetPassword);
        return LinkRequestAccepted.PasswordReset;
    }

    /// <summary>
    /// Uses a reset link: the new password, the used link, the end of every session and of the other reset links commit
    /// together, so a failure leaves the old password and the old sessions as they were.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetPassword(
        ResetPasswordRequest request, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check("token", TokenError(request.Token))
            .Check("newPassword", UserRules.PasswordPresent(request.NewPassword));
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ResetInTransactionAsync(request, services, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // The account changed meanwhile (a sign-in counts), or another request used the link: read both again.
            }
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetInTransactionAsync(
        ResetPasswordRequest request, AccountServices services, CancellationToken cancellationToken)
    {
        var db = services.Db;
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var (token, user) = await services.Links.FindAsync(request.Token!, AccountTokenPurpose.ResetPassword, ct);
            var now = services.Time.GetUtcNow();
            if (token is null || user is null || !token.IsUsableFor(user, now))
            {
                return (Results<NoContent, ValidationProblem, ProblemHttpResult>)Problems.For(UserErrors.InvalidResetLink);
            }

            if (UserRules.Password(request.NewPassword, user.Email) is { } weak)
            {
                return Problems.Validation("newPassword", weak);
            }

            token.Use(now);
            user.ResetPassword(services.Passwords.Hash(user, request.NewPassword!), now);
            await db.SaveChangesAsync(ct);
            await services.Sessions.RevokeAllAsync(user.Id, keepFamilyId: null, ct);
            await services.Links.EndAllAsync(user.Id, AccountTokenPurpose.ResetPassword, ct);
            await transaction.CommitAsync(ct);
            LogPasswordReset(services.Logger, user.Id);
            return TypedResults.NoContent();
        }, cancellationToken);
    }

    public static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> MarkEmailVerified(
        Guid id, ClaimsPrincipal principal, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var user = await services.Db.FindUserAsync(id, cancellationToken, tracking: true);
        if (user is null)
        {
            return Problems.For(UserErrors.UserNotFound);
        }

        await services.Db.UpdateUserAsync(user, u => u.MarkEmailVerified(services.Time.GetUtcNow()), cancellationToken);
        LogEmailVerified(services.Logger, user.Id, $"admin {principal.UserId()}");
        return TypedResults.Ok(UserProfile.From(user));
    }

    private static string? TokenError(string? token) =>
        string.IsNullOrWhiteSpace(token) ? "The token from the link is required."
        : token.Length > UserRules.LinkTokenMaxLength ? $"The token must be at most {UserRules.LinkTokenMaxLength} characters."
        : null;

    private static ValidationProblem? ValidateToken(string? token) =>
        TokenError(token) is { } error ? Problems.Validation("token", error) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} verified its email address ({How})")]
    private static partial void LogEmailVerified(ILogger logger, Guid userId, string how);

    [LoggerMessage(Level = LogLevel.Information, Message = "A {Purpose} link for account {UserId} was queued for email")]
    private static partial void LogLinkQueued(ILogger logger, Guid userId, AccountTokenPurpose purpose);

    [LoggerMessage(Level = LogLevel.Information, Message = "Password reset asked for an address without an account: nothing sent")]
    private static partial void LogResetForUnknownAddress(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} reset its password by link; every session ended")]
    private static partial void LogPasswordReset(ILogger logger, Guid userId);
}
