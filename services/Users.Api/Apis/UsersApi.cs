using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Users.Api.Infrastructure;
using Users.Api.Model;

namespace Users.Api.Apis;

/// <summary>Dependencies of the account endpoints.</summary>
public sealed record AccountServices(
    UsersDbContext Db,
    PasswordService Passwords,
    SessionService Sessions,
    AccountLinks Links,
    TimeProvider Time,
    IOptions<AccountOptions> Options,
    ILogger<AccountServices> Logger);

/// <summary>Accounts, sessions, profiles and roles: <c>/api/users</c>.</summary>
public static partial class UsersApi
{
    public const string LoginRateLimit = "login";
    public const string RegisterRateLimit = "register";

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Users");

        api.MapPost("/register", Register).WithName("Register").WithSummary("Opens an attendee (or organizer) account.")
            .WithDescription("A new address and one that already has an account get the same `202` after the same work, so registration " +
                "never tells who has an account: sign in next with the same email and password. A new account is emailed a link to " +
                "verify its address (`POST /api/users/verify-email`); booking needs a verified address. " +
                "`preferredLanguage` (optional, e.g. `de`) is the language of that email and of every later one.")
            .WithRequestExample(new RegisterRequest("ada@example.com", "Correct-Horse-42!", "Ada Lovelace", "attendee", "en"))
            .RequireRateLimiting(RegisterRateLimit);
        api.MapPost("/login", Login).WithName("Login").WithSummary("Signs in: an access token and a rotating refresh token.")
            .WithDescription("An unknown email, a wrong password and a locked account get the same `401 invalid-credentials`.")
            .WithRequestExample(new LoginRequest("ada@example.com", "Correct-Horse-42!"))
            .Refuses(StatusCodes.Status401Unauthorized, "invalid-credentials")
            .RequireRateLimiting(LoginRateLimit);
        api.MapPost("/refresh", Refresh).WithName("Refresh").WithSummary("Trades a refresh token for new tokens (the old one is spent).")
            .WithDescription("Refresh tokens rotate: each is good once; reusing a spent one ends its whole session family.")
            .Refuses(StatusCodes.Status401Unauthorized, "invalid-refresh-token")
            .RequireRateLimiting(ConnectApi.TokenRateLimit);
        api.MapPost("/logout", Logout).WithName("Logout").WithSummary("Ends the session the refresh token belongs to.")
            .WithDescription("Possession of the refresh token is the proof; an unknown token ends nothing and answers `204` all the same.");
        api.MapPost("/logout-all", LogoutAll).WithName("LogoutAll").WithSummary("Ends every session of the signed-in user.")
            .WithDescription("Every refresh token and access token of the caller stops working, in every service within a second.")
            .RequireAuthorization(Policies.User);

        api.MapGet("/me", GetMe).WithName("GetMe").WithSummary("The signed-in user's profile.")
            .Refuses(StatusCodes.Status404NotFound, "user-not-found").RequireAuthorization(Policies.User);
        api.MapPut("/me", UpdateMe).WithName("UpdateMe").WithSummary("Replaces the signed-in user's profile.")
            .WithDescription("Every field is sent (a missing `phone` or `preferredLanguage` clears it); `emailNotifications: false` switches all email off.")
            .WithRequestExample(new UpdateProfileRequest("Ada Lovelace", "+351 912 345 678", "en", true))
            .Refuses(StatusCodes.Status404NotFound, "user-not-found").RequireAuthorization(Policies.User);
        api.MapPost("/me/password", ChangePassword).WithName("ChangePassword")
            .WithSummary("Changes the password (needs the current one) and ends the user's other sessions.")
            .WithDescription("A wrong current password is a `400` naming `currentPassword` and counts as a failed sign-in (lockout).")
            .Refuses(StatusCodes.Status404NotFound, "user-not-found")
            .RequireAuthorization(Policies.User).RequireRateLimiting(LoginRateLimit);

        api.MapGet("/", ListUsers).WithName("ListUsers").WithSummary("Lists accounts (admin), with paging and search.")
            .WithDescription("`search` matches email or display name (case-insensitive, at most 100 characters); ordered by email.")
            .RequireAuthorization(Policies.Admin);
        api.MapGet("/{id}", GetUser).WithName("GetUser").WithSummary("One account (admin, or the user themself).")
            .WithDescription("Another person's account is `403` unless the caller is an admin.")
            .Refuses(StatusCodes.Status404NotFound, "user-not-found").RequireAuthorization(Policies.User);
        api.MapPut("/{id}/roles", SetRoles).WithName("SetUserRoles").WithSummary("Replaces an account's roles (admin).")
            .WithDescription("Roles: `attendee`, `organizer`, `admin`. An admin cannot remove their own admin role. Taking a role away ends every " +
                "session of the account (its tokens carry roles): the person signs in again; a role granted shows in the next refresh.")
            .WithRequestExample(new SetRolesRequest(["attendee", "organizer"]))
            .Refuses(StatusCodes.Status404NotFound, "user-not-found").RequireAuthorization(Policies.Admin);
        api.MapPut("/{id}/disabled", SetDisabled).WithName("SetUserDisabled").WithSummary("Disables or enables an account (admin).")
            .WithDescription("Disabling ends every session of the account at once (its access tokens are refused by every API within 1 s) " +
                "and refuses its sign-ins (`403 account-disabled`, told only after the right password) and refreshes. Its bookings and " +
                "tickets stay as they are. An admin cannot disable their own account. Enabling lets the person sign in again.")
            .WithRequestExample(new SetDisabledRequest(true))
            .Refuses(StatusCodes.Status404NotFound, "user-not-found")
            .Refuses(StatusCodes.Status409Conflict, "cannot-disable-yourself")
            .RequireAuthorization(Policies.Admin);
        return app;
    }

    /// <summary>
    /// Opens an account. A new address and one already registered get the same <c>202</c> and body after the same work
    /// (one PBKDF2 hash), so registration does not tell who has an account (OWASP API3/API2 account enumeration).
    /// The client signs in next; for a taken address that sign-in fails unless the password is the owner's.
    /// </summary>
    public static async Task<Results<Accepted<RegistrationAccepted>, ValidationProblem>> Register(
        RegisterRequest request, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check("email", UserRules.Email(request.Email))
            .Check("password", UserRules.Password(request.Password, request.Email))
            .Check("displayName", UserRules.DisplayName(request.DisplayName))
            .Check("preferredLanguage", UserRules.Language(request.PreferredLanguage));
        var roles = new List<string>();
        switch (request.AccountType)
        {
            case null or UserRoles.Attendee:
                break;
            case UserRoles.Organizer when services.Options.Value.AllowOrganizerRegistration:
                roles.Add(UserRoles.Organizer);
                break;
            case UserRoles.Organizer:
                errors.Add("accountType", "Organizer accounts are granted by an administrator.");
                break;
            default:
                errors.Add("accountType", "The account type must be 'attendee' or 'organizer'.");
                break;
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        // Hash first, whether or not the address is taken: both answers cost the same.
        var now = services.Time.GetUtcNow();
        var user = User.Create(Guid.CreateVersion7(), request.Email!, request.DisplayName!, roles, now, request.PreferredLanguage);
        user.SetPasswordHash(services.Passwords.Hash(user, request.Password!), now);

        var normalized = User.Normalize(request.Email!);
        if (await services.Db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
        {
            LogRegistrationOfTakenEmail(services.Logger);
            return RegistrationAccepted.Response;
        }

        services.Db.Users.Add(user);
        services.Links.AddVerificationLink(user);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            LogRegistrationOfTakenEmail(services.Logger);
            return RegistrationAccepted.Response;
        }

        LogRegistered(services.Logger, user.Id, string.Join(',', user.Roles));
        return RegistrationAccepted.Response;
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check("email", UserRules.Email(request.Email))
            .Check("password", UserRules.PasswordPresent(request.Password));
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var normalized = User.Normalize(request.Email!);
        var user = await services.Db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        var now = services.Time.GetUtcNow();
        if (user is null || user.IsLockedOut(now))
        {
            // Same answer and about the same time whether the account is unknown or locked.
            services.Passwords.VerifyDummy(request.Password!);
            LogLoginRefused(services.Logger, user?.Id, user is null ? "unknown-account" : "locked-out");
            return Problems.For(UserErrors.InvalidCredentials);
        }

        var result = services.Passwords.Verify(user, request.Password!);
        if (result == PasswordVerificationResult.Failed)
        {
            var options = services.Options.Value;
            await services.Db.UpdateUserAsync(user, u => u.RecordFailedLogin(services.Time.GetUtcNow(), options.MaxFailedLogins, options.LockoutDuration), cancellationToken);
            LogLoginRefused(services.Logger, user.Id, user.IsLockedOut(now) ? "wrong-password-locked" : "wrong-password");
            return Problems.For(UserErrors.InvalidCredentials);
        }

        if (user.IsDisabled)
        {
            LogLoginRefused(services.Logger, user.Id, "disabled");
            return Problems.For(UserErrors.AccountDisabled);
        }

        await services.Db.UpdateUserAsync(user, u =>
        {
            u.RecordSuccessfulLogin();
            if (result == PasswordVerificationResult.SuccessRehashNeeded)
            {
                u.SetPasswordHash(services.Passwords.Hash(u, request.Password!), services.Time.GetUtcNow());
            }
        }, cancellationToken);
        return TypedResults.Ok(await services.Sessions.StartAsync(user, cancellationToken));
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshRequest request, SessionService sessions, CancellationToken cancellationToken)
    {
        if (ValidateRefreshToken(request.RefreshToken) is { } error)
        {
            return error;
        }

        var (outcome, response) = await sessions.RefreshAsync(request.RefreshToken!, cancellationToken);
        return outcome == RefreshOutcome.Refreshed ? TypedResults.Ok(response!) : Problems.For(UserErrors.InvalidRefreshToken);
    }

    public static async Task<Results<NoContent, ValidationProblem>> Logout(
        RefreshRequest request, SessionService sessions, CancellationToken cancellationToken)
    {
        if (ValidateRefreshToken(request.RefreshToken) is { } error)
        {
            return error;
        }

        // Possession of the refresh token is the proof; an unknown token ends nothing and says nothing.
        await sessions.EndAsync(request.RefreshToken!, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> LogoutAll(
        ClaimsPrincipal principal, SessionService sessions, CancellationToken cancellationToken)
    {
        if (principal.UserId() is not { } userId)
        {
            return Problems.For(UserErrors.Unauthenticated);
        }

        await sessions.RevokeAllAsync(userId, keepFamilyId: null, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> GetMe(
        ClaimsPrincipal principal, UsersDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.FindUserAsync(principal.UserId(), cancellationToken);
        return user is null ? Problems.For(UserErrors.UserNotFound) : TypedResults.Ok(UserProfile.From(user));
    }

    public static async Task<Results<Ok<UserProfile>, ValidationProblem, ProblemHttpResult>> UpdateMe(
        UpdateProfileRequest request, ClaimsPrincipal principal, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check("displayName", UserRules.DisplayName(request.DisplayName))
            .Check("phone", UserRules.Phone(request.Phone))
            .Check("preferredLanguage", UserRules.Language(request.PreferredLanguage))
            .Check("emailNotifications", request.EmailNotifications is null ? "emailNotifications is required (true or false)." : null);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await services.Db.FindUserAsync(principal.UserId(), cancellationToken, tracking: true);
        if (user is null)
        {
            return Problems.For(UserErrors.UserNotFound);
        }

        await services.Db.UpdateUserAsync(user, u => u.UpdateProfile(request.DisplayName!, request.Phone, request.PreferredLanguage,
            request.EmailNotifications!.Value, services.Time.GetUtcNow()), cancellationToken);
        return TypedResults.Ok(UserProfile.From(user));
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, ClaimsPrincipal principal, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check("currentPassword", UserRules.PasswordPresent(request.CurrentPassword))
            .Check("newPassword", UserRules.Password(request.NewPassword, principal.FindFirstValue(IdentityClaims.Email)));
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await services.Db.FindUserAsync(principal.UserId(), cancellationToken, tracking: true);
        if (user is null)
        {
            return Problems.For(UserErrors.UserNotFound);
        }

        var now = services.Time.GetUtcNow();
        if (user.IsLockedOut(now) || services.Passwords.Verify(user, request.CurrentPassword!) == PasswordVerificationResult.Failed)
        {
            if (!user.IsLockedOut(now))
            {
                var options = services.Options.Value;
                await services.Db.UpdateUserAsync(user, u => u.RecordFailedLogin(now, options.MaxFailedLogins, options.LockoutDuration), cancellationToken);
            }

            return Problems.Validation("currentPassword", "The current password is incorrect.");
        }

        if (request.NewPassword == request.CurrentPassword)
        {
            return Problems.Validation("newPassword", "The new password must differ from the current one.");
        }

        await services.Db.UpdateUserAsync(user, u =>
        {
            u.RecordSuccessfulLogin();
            u.SetPasswordHash(services.Passwords.Hash(u, request.NewPassword!), services.Time.GetUtcNow());
        }, cancellationToken);
        var keep = Guid.TryParse(principal.FindFirstValue(IdentityClaims.SessionId), out var sid) ? sid : (Guid?)null;
        await services.Sessions.RevokeAllAsync(user.Id, keep, cancellationToken);
        LogPasswordChanged(services.Logger, user.Id);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<Paged<UserProfile>>, ValidationProblem>> ListUsers(
        UsersDbContext db, [AsParameters] PageQuery paging, CancellationToken cancellationToken, string? search = null)
    {
        var errors = paging.Validate();
        if (search?.Length > UserRules.SearchMaxLength)
        {
            errors["search"] = [$"search must be at most {UserRules.SearchMaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            query = query.Where(u => EF.Functions.ILike(u.Email, pattern, @"\") || EF.Functions.ILike(u.DisplayName, pattern, @"\"));
        }

        return TypedResults.Ok(await query.OrderBy(u => u.NormalizedEmail).ToPagedAsync(paging, PageQuery.DefaultPageSize, UserProfile.From, cancellationToken));
    }

    public static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> GetUser(
        Guid id, ClaimsPrincipal principal, UsersDbContext db, CancellationToken cancellationToken)
    {
        if (principal.UserId() != id && !principal.IsAdmin())
        {
            return Problems.For(UserErrors.NotYourAccount);
        }

        var user = await db.FindUserAsync(id, cancellationToken);
        return user is null ? Problems.For(UserErrors.UserNotFound) : TypedResults.Ok(UserProfile.From(user));
    }

    public static async Task<Results<Ok<UserProfile>, ValidationProblem, ProblemHttpResult>> SetDisabled(
        Guid id, SetDisabledRequest request, ClaimsPrincipal principal, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        if (request.Disabled is not { } disabled)
        {
            return new FieldErrors().Check("disabled", "disabled is required (true to disable the account, false to enable it).").ToProblem();
        }

        if (disabled && principal.UserId() == id)
        {
            return Problems.For(UserErrors.CannotDisableYourself);
        }

        var user = await services.Db.FindUserAsync(id, cancellationToken, tracking: true);
        if (user is null)
        {
            return Problems.For(UserErrors.UserNotFound);
        }

        await services.Db.UpdateUserAsync(user, u => u.SetDisabled(disabled, services.Time.GetUtcNow()), cancellationToken);
        if (disabled)
        {
            // Every session, and with it every access token, ends now (also when it was disabled already: a retry after a
            // revocation that could not be recorded records it).
            await services.Sessions.RevokeAllAsync(user.Id, keepFamilyId: null, cancellationToken);
        }

        LogDisabledChanged(services.Logger, user.Id, disabled, principal.UserId());
        return TypedResults.Ok(UserProfile.From(user));
    }

    public static async Task<Results<Ok<UserProfile>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id, SetRolesRequest request, ClaimsPrincipal principal, [AsParameters] AccountServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Roles is null)
        {
            errors.Add("roles", "roles is required (a list such as [\"attendee\", \"organizer\"]).");
        }
        else if (request.Roles.Count > UserRoles.All.Count * 2)
        {
            errors.Add("roles", $"At most {UserRoles.All.Count * 2} roles may be listed.");
        }
        else
        {
            for (var i = 0; i < request.Roles.Count; i++)
            {
                if (request.Roles[i] is not { } role || !UserRoles.IsKnown(role))
                {
                    errors.Add($"roles[{i}]", $"Unknown role; use {string.Join(", ", UserRoles.All)}.");
                }
            }

            if (principal.UserId() == id && !request.Roles.Contains(UserRoles.Admin))
            {
                errors.Add("roles", "You cannot remove your own admin role.");
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await services.Db.FindUserAsync(id, cancellationToken, tracking: true);
        if (user is null)
        {
            return Problems.For(UserErrors.UserNotFound);
        }

        var before = user.Roles.ToList();
        await services.Db.UpdateUserAsync(user, u => u.SetRoles(request.Roles!.OfType<string>(), services.Time.GetUtcNow()), cancellationToken);
        if (before.Except(user.Roles).Any())
        {
            // Tokens carry roles: ones issued before a role was taken away would keep its powers for minutes, so the account's
            // sessions end and the person signs in again with what is left. A role only granted revokes nothing: the old
            // tokens have less power than the account, and the next refresh carries the new role.
            await services.Sessions.RevokeAllAsync(user.Id, keepFamilyId: null, cancellationToken);
        }

        LogRolesChanged(services.Logger, user.Id, string.Join(',', user.Roles), principal.UserId());
        return TypedResults.Ok(UserProfile.From(user));
    }

    private static ValidationProblem? ValidateRefreshToken(string? token) =>
        string.IsNullOrWhiteSpace(token)
            ? Problems.Validation("refreshToken", "The refresh token is required.")
            : token.Length > UserRules.RefreshTokenMaxLength
                ? Problems.Validation("refreshToken", $"The refresh token must be at most {UserRules.RefreshTokenMaxLength} characters.")
                : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} registered with roles {Roles}")]
    private static partial void LogRegistered(ILogger logger, Guid userId, string roles);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration for an address that already has an account: nothing changed")]
    private static partial void LogRegistrationOfTakenEmail(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in refused for account {UserId}: {Reason}")]
    private static partial void LogLoginRefused(ILogger logger, Guid? userId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} changed its password; other sessions revoked")]
    private static partial void LogPasswordChanged(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Roles of account {UserId} set to {Roles} by {AdminId}")]
    private static partial void LogRolesChanged(ILogger logger, Guid userId, string roles, Guid? adminId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserId} disabled: {Disabled}, by {AdminId}")]
    private static partial void LogDisabledChanged(ILogger logger, Guid userId, bool disabled, Guid? adminId);
}
