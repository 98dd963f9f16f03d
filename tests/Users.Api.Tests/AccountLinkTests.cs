using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.Messaging;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Users.Api.Apis;
using Users.Api.Infrastructure;
using Users.Api.Model;
using Xunit;

namespace Users.Api.Tests;

/// <summary>
/// Email verification and password reset at users-api (real PostgreSQL and RabbitMQ): the link tokens as they leave in the
/// outbox's events (what notifications-api mails; the end-to-end path through SMTP is in the topology and browser tests), only
/// their hashes stored, each link good once and for a while, the <c>email_verified</c> claim, and no answer telling who has an account.
/// </summary>
public sealed class AccountLinkTests(UsersPlatform platform) : IClassFixture<UsersPlatform>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registration_queues_a_verification_link_that_verifies_once_and_the_next_token_says_so()
    {
        var user = await platform.RegisterAsync(Helpers.NewEmail("verify"));
        Assert.False(user.EmailVerified);
        var session = await platform.LoginAsync(user.Email);
        Assert.False(EmailVerifiedClaim(session.AccessToken));

        var token = Assert.Single(await LinkTokensAsync("user.email-verification-requested", user.Id));
        var stored = await platform.Api.InScopeAsync(db => db.AccountTokens.AsNoTracking().SingleAsync(t => t.UserId == user.Id, Ct));
        Assert.Equal(AccountTokenPurpose.VerifyEmail, stored.Purpose);
        Assert.Equal(AccountToken.Hash(token), stored.TokenHash);
        Assert.Null(stored.UsedAt);

        using (var bogus = await platform.PostJsonAsync("/api/users/verify-email", """{"token":"not-a-token-we-sent"}"""))
        {
            Assert.Equal("invalid-verification-link", Code(await Helpers.AssertProblemAsync(bogus, HttpStatusCode.BadRequest)));
        }

        using (var missing = await platform.PostJsonAsync("/api/users/verify-email", "{}"))
        {
            await Helpers.AssertValidationProblemAsync(missing, "token");
        }

        Assert.False((await ProfileAsync(user.Id)).IsEmailVerified);

        using (var verified = await platform.PostJsonAsync("/api/users/verify-email", $$"""{"token":"{{token}}"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        }

        Assert.True((await ProfileAsync(user.Id)).IsEmailVerified);
        // A mail scanner or a second click opening the used link: the address is verified, so the answer is the same.
        using (var again = await platform.PostJsonAsync("/api/users/verify-email", $$"""{"token":"{{token}}"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }

        var refreshed = await RefreshAsync(session.RefreshToken);
        Assert.True(EmailVerifiedClaim(refreshed.AccessToken));

        using var me = platform.Client(refreshed.AccessToken);
        using var resend = await me.PostAsync("/api/users/me/verification-email", null, Ct);
        Assert.Equal("email-already-verified", Code(await Helpers.AssertProblemAsync(resend, HttpStatusCode.Conflict)));
    }

    [Fact]
    public async Task A_verification_link_expires_and_a_new_one_can_be_asked_for()
    {
        var user = await platform.RegisterAsync(Helpers.NewEmail("expire"));
        var session = await platform.LoginAsync(user.Email);
        var first = Assert.Single(await LinkTokensAsync("user.email-verification-requested", user.Id));

        platform.Api.Clock.Offset = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1);
        try
        {
            using (var expired = await platform.PostJsonAsync("/api/users/verify-email", $$"""{"token":"{{first}}"}"""))
            {
                Assert.Equal("invalid-verification-link", Code(await Helpers.AssertProblemAsync(expired, HttpStatusCode.BadRequest)));
            }

            Assert.False((await ProfileAsync(user.Id)).IsEmailVerified);
        }
        finally
        {
            platform.Api.Clock.Offset = TimeSpan.Zero;
        }

        using var me = platform.Client(session.AccessToken);
        using (var resend = await me.PostAsync("/api/users/me/verification-email", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        }

        var tokens = await LinkTokensAsync("user.email-verification-requested", user.Id);
        Assert.Equal(2, tokens.Count);
        using var verified = await platform.PostJsonAsync("/api/users/verify-email", $$"""{"token":"{{tokens[1]}}"}""");
        Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        Assert.True((await ProfileAsync(user.Id)).IsEmailVerified);
    }

    [Fact]
    public async Task Forgot_password_answers_alike_for_an_unknown_address_and_sends_nothing()
    {
        var user = await platform.RegisterAsync(Helpers.NewEmail("known"));
        var unknown = Helpers.NewEmail("nobody");
        var outboxBefore = await platform.Api.InScopeAsync(db => db.Set<OutboxMessage>().CountAsync(Ct));

        using var forUnknown = await platform.PostJsonAsync("/api/users/forgot-password", $$"""{"email":"{{unknown}}"}""");
        var unknownBody = await forUnknown.Content.ReadAsStringAsync(Ct);
        Assert.Equal(outboxBefore, await platform.Api.InScopeAsync(db => db.Set<OutboxMessage>().CountAsync(Ct)));

        using var forKnown = await platform.PostJsonAsync("/api/users/forgot-password", $$"""{"email":"{{user.Email.ToUpperInvariant()}}"}""");
        var knownBody = await forKnown.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Accepted, forUnknown.StatusCode);
        Assert.Equal(forUnknown.StatusCode, forKnown.StatusCode);
        Assert.Equal(unknownBody, knownBody);
        Assert.Equal(forUnknown.Headers.Location, forKnown.Headers.Location);
        Assert.Single(await LinkTokensAsync("user.password-reset-requested", user.Id));
        var resets = await platform.Api.InScopeAsync(db => db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.Type == "user.password-reset-requested").Select(m => m.Data).ToListAsync(Ct));
        Assert.DoesNotContain(resets, data => data.Contains(unknown, StringComparison.OrdinalIgnoreCase));

        using var malformed = await platform.PostJsonAsync("/api/users/forgot-password", """{"email":"not an address"}""");
        await Helpers.AssertValidationProblemAsync(malformed, "email");
    }

    [Fact]
    public async Task A_reset_link_sets_the_password_once_ends_every_session_and_refuses_bad_input_changing_nothing()
    {
        var user = await platform.RegisterAsync(Helpers.NewEmail("reset"));
        var before = await platform.LoginAsync(user.Email);
        var other = await platform.LoginAsync(user.Email);
        using (var ask = await platform.PostJsonAsync("/api/users/forgot-password", $$"""{"email":"{{user.Email}}"}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, ask.StatusCode);
        }

        var token = Assert.Single(await LinkTokensAsync("user.password-reset-requested", user.Id));
        var hashBefore = (await ProfileAsync(user.Id)).PasswordHash;

        // Bad input: a weak password, a wrong token, a missing field; none changes the password or spends the link.
        using (var weak = await platform.PostJsonAsync("/api/users/reset-password", $$"""{"token":"{{token}}","newPassword":"short"}"""))
        {
            await Helpers.AssertValidationProblemAsync(weak, "newPassword");
        }

        using (var wrong = await platform.PostJsonAsync("/api/users/reset-password", """{"token":"forged-token-value","newPassword":"Another-Horse-43!"}"""))
        {
            Assert.Equal("invalid-reset-link", Code(await Helpers.AssertProblemAsync(wrong, HttpStatusCode.BadRequest)));
        }

        using (var missing = await platform.PostJsonAsync("/api/users/reset-password", """{"newPassword":"Another-Horse-43!"}"""))
        {
            await Helpers.AssertValidationProblemAsync(missing, "token");
        }

        Assert.Equal(hashBefore, (await ProfileAsync(user.Id)).PasswordHash);
        Assert.Equal(HttpStatusCode.OK, (await RefreshResponseAsync(other.RefreshToken)).StatusCode);

        const string newPassword = "Another-Horse-43!";
        using (var reset = await platform.PostJsonAsync("/api/users/reset-password", $$"""{"token":"{{token}}","newPassword":"{{newPassword}}"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        // Every session ended: the refresh tokens of both sign-ins are refused.
        using (var refused = await RefreshResponseAsync(before.RefreshToken))
        {
            Assert.Equal("invalid-refresh-token", Code(await Helpers.AssertProblemAsync(refused, HttpStatusCode.Unauthorized)));
        }

        using (var oldPassword = await platform.PostLoginAsync(user.Email, Helpers.Password))
        {
            await Helpers.AssertProblemAsync(oldPassword, HttpStatusCode.Unauthorized);
        }

        var after = await platform.LoginAsync(user.Email, newPassword);
        Assert.True(EmailVerifiedClaim(after.AccessToken), "the reset link proved the address too");

        using (var twice = await platform.PostJsonAsync("/api/users/reset-password", $$"""{"token":"{{token}}","newPassword":"Third-Horse-44!!"}"""))
        {
            Assert.Equal("invalid-reset-link", Code(await Helpers.AssertProblemAsync(twice, HttpStatusCode.BadRequest)));
        }

        await platform.LoginAsync(user.Email, newPassword);
    }

    [Fact]
    public async Task A_reset_link_expires_after_30_minutes_and_then_changes_nothing()
    {
        var user = await platform.RegisterAsync(Helpers.NewEmail("late"));
        var session = await platform.LoginAsync(user.Email);
        using (var ask = await platform.PostJsonAsync("/api/users/forgot-password", $$"""{"email":"{{user.Email}}"}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, ask.StatusCode);
        }

        var token = Assert.Single(await LinkTokensAsync("user.password-reset-requested", user.Id));
        platform.Api.Clock.Offset = TimeSpan.FromMinutes(31);
        try
        {
            using var late = await platform.PostJsonAsync("/api/users/reset-password", $$"""{"token":"{{token}}","newPassword":"Another-Horse-43!"}""");
            Assert.Equal("invalid-reset-link", Code(await Helpers.AssertProblemAsync(late, HttpStatusCode.BadRequest)));
        }
        finally
        {
            platform.Api.Clock.Offset = TimeSpan.Zero;
        }

        await platform.LoginAsync(user.Email);
        Assert.Equal(HttpStatusCode.OK, (await RefreshResponseAsync(session.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_marks_an_address_verified()
    {
        var (user, tokens) = await platform.NewSessionAsync();
        using (var self = platform.Client(tokens.AccessToken))
        using (var refused = await self.PostAsync($"/api/users/{user.Id}/verify-email", null, Ct))
        {
            await Helpers.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        }

        Assert.False((await ProfileAsync(user.Id)).IsEmailVerified);
        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        Assert.True(EmailVerifiedClaim(admin.AccessToken), "seeded demo accounts are verified");
        using var client = platform.Client(admin.AccessToken);
        var profile = await client.PostAsync($"/api/users/{user.Id}/verify-email", null, Ct);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.True((await profile.Content.ReadFromJsonAsync<UserProfile>(Ct))!.EmailVerified);
    }

    /// <summary>The raw tokens of the account emails queued for the user, oldest first (read from the outbox's event data).</summary>
    private Task<List<string>> LinkTokensAsync(string type, Guid userId) => platform.Api.InScopeAsync(async db =>
        (await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Type == type).OrderBy(m => m.OccurredAt).ToListAsync(Ct))
            .Select(m => JsonDocument.Parse(m.Data).RootElement)
            .Where(data => data.GetProperty("userId").GetGuid() == userId)
            .Select(data => data.GetProperty("token").GetString()!)
            .ToList());

    private Task<User> ProfileAsync(Guid id) => platform.Api.InScopeAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id, Ct));

    private async Task<HttpResponseMessage> RefreshResponseAsync(string refreshToken)
    {
        using var client = platform.Client();
        return await client.PostAsJsonAsync("/api/users/refresh", new { refreshToken }, Ct);
    }

    private async Task<TokenResponse> RefreshAsync(string refreshToken)
    {
        using var response = await RefreshResponseAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Ct))!;
    }

    private static bool EmailVerifiedClaim(string jwt)
    {
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]));
        return payload.RootElement.GetProperty("email_verified").GetBoolean();
    }

    private static string? Code(JsonDocument problem)
    {
        using (problem)
        {
            return problem.RootElement.GetProperty("code").GetString();
        }
    }
}
