using System.Net;
using System.Net.Http.Json;
using EventBooking.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Users.Api.Apis;
using Users.Api.Infrastructure;
using Xunit;

namespace Users.Api.Tests;

public sealed class LifecycleTests(UsersPlatform platform) : IClassFixture<UsersPlatform>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RegisterLoginRefreshProfilePasswordLogoutAndLogoutAll()
    {
        var email = Helpers.NewEmail("life");
        var user = await RegisteredWithAHashedPasswordAsync(email);
        var session1 = await SignedInAsAnAttendeeWithAHashedRefreshTokenAsync(email, user);
        await ProfileReadAndReplacedAsync(session1, user);

        // Refresh rotates: the new pair works, the name change shows up in the new access token.
        var session1b = await RefreshAsync(session1.RefreshToken);
        Assert.NotEqual(session1.RefreshToken, session1b.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", session1b.AccessToken));

        var (session1c, session3) = await PasswordChangedRevokingTheOtherSessionAsync(email, session1b);
        var session3b = await LoggedOutOfThisSessionOnlyAsync(session1c, session3);
        await LoggedOutOfEverySessionAsync(email, session3b);
    }

    /// <summary>A new account is an attendee; its password is stored as an Identity V3 PBKDF2 hash (HMAC-SHA512, 210,000 iterations), never in clear.</summary>
    private async Task<UserProfile> RegisteredWithAHashedPasswordAsync(string email)
    {
        var user = await platform.RegisterAsync(email, displayName: "Ada Lovelace");
        Assert.Equal(["attendee"], user.Roles);
        Assert.Equal(email, user.Email);

        var hash = await platform.Api.InScopeAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync(Cancel));
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        Assert.Equal(2u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1))); // HMACSHA512
        Assert.Equal(210_000u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
        return user;
    }

    /// <summary>Signing in gives a short-lived bearer token of an attendee (no organizer, admin or internal access); only the refresh token's hash is stored.</summary>
    private async Task<TokenResponse> SignedInAsAnAttendeeWithAHashedRefreshTokenAsync(string email, UserProfile user)
    {
        var session = await platform.LoginAsync(email);
        Assert.Equal("Bearer", session.TokenType);
        Assert.InRange(session.ExpiresIn, 1, 15 * 60);
        var who = await (await platform.Validator.GetAsync("/user", session.AccessToken)).Content.ReadFromJsonAsync<WhoAmI>(Cancel);
        Assert.Equal(user.Id, who!.UserId);
        Assert.Equal(["attendee"], who.Roles);
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/organizer", session.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/admin", session.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/internal", session.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await platform.Validator.StatusAsync("/user", null));

        var stored = await platform.Api.InScopeAsync(db => db.RefreshTokens.Where(t => t.UserId == user.Id).Select(t => t.TokenHash).ToListAsync(Cancel));
        Assert.Single(stored);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(session.RefreshToken)), stored[0]);
        return session;
    }

    /// <summary>The profile as registered, replaced whole, and read back by id.</summary>
    private async Task ProfileReadAndReplacedAsync(TokenResponse session, UserProfile user)
    {
        using var client = platform.Client(session.AccessToken);
        var me = await client.GetFromJsonAsync<UserProfile>("/api/users/me", Cancel);
        Assert.Equal("Ada Lovelace", me!.DisplayName);
        Assert.True(me.EmailNotifications);
        using var put = await client.PutAsJsonAsync("/api/users/me",
            new { displayName = "Ada King", phone = "+44 20 7946 0000", preferredLanguage = "en-GB", emailNotifications = false }, Cancel);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        me = await client.GetFromJsonAsync<UserProfile>("/api/users/me", Cancel);
        Assert.Equal(("Ada King", "+44 20 7946 0000", "en-GB", false), (me!.DisplayName, me.Phone, me.PreferredLanguage, me.EmailNotifications));
        var self = await client.GetFromJsonAsync<UserProfile>($"/api/users/{user.Id}", Cancel);
        Assert.Equal(user.Id, self!.Id);
    }

    /// <summary>A second session, then a password change from the first: the second session is revoked, the first kept; the old password no longer signs in.</summary>
    private async Task<(TokenResponse Kept, TokenResponse New)> PasswordChangedRevokingTheOtherSessionAsync(string email, TokenResponse session)
    {
        var other = await platform.LoginAsync(email);
        using (var client = platform.Client(session.AccessToken))
        {
            using var change = await client.PostAsJsonAsync("/api/users/me/password",
                new { currentPassword = Helpers.Password, newPassword = "Another-Secret-77" }, Cancel);
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(other.RefreshToken));
        var kept = await RefreshAsync(session.RefreshToken);
        using (var old = await platform.PostLoginAsync(email, Helpers.Password))
        {
            await Helpers.AssertProblemAsync(old, HttpStatusCode.Unauthorized);
        }

        return (kept, await platform.LoginAsync(email, "Another-Secret-77"));
    }

    /// <summary>Logout ends the session of the refresh token it is given, and no other.</summary>
    private async Task<TokenResponse> LoggedOutOfThisSessionOnlyAsync(TokenResponse ending, TokenResponse other)
    {
        using (var logout = await platform.PostJsonAsync("/api/users/logout", $$"""{"refreshToken":"{{ending.RefreshToken}}"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(ending.RefreshToken));
        return await RefreshAsync(other.RefreshToken);
    }

    /// <summary>Logout-all ends every session of the user, the caller's and another one.</summary>
    private async Task LoggedOutOfEverySessionAsync(string email, TokenResponse session)
    {
        var another = await platform.LoginAsync(email, "Another-Secret-77");
        using (var client = platform.Client(session.AccessToken))
        using (var all = await client.PostAsync("/api/users/logout-all", null, Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, all.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(session.RefreshToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(another.RefreshToken));
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheEndpointsWithoutSecrets()
    {
        using var client = platform.Client();
        var document = await client.GetStringAsync("/openapi/public.json", Cancel) + await client.GetStringAsync("/openapi/internal.json", Cancel);
        foreach (var path in new[] { "/api/users/register", "/api/users/login", "/connect/token", "/internal/users/{id}", "/api/users/{id}/roles" })
        {
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(UsersApiFactory.BookingsClientSecret, document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmailIsUniqueCaseInsensitivelyAndRegistrationDoesNotTellItIsTaken()
    {
        var email = Helpers.NewEmail("Case");
        await platform.RegisterAsync(email);
        var newcomer = await platform.PostJsonAsync("/api/users/register",
            $$"""{"email":"{{Helpers.NewEmail("Case")}}","password":"{{Helpers.Password}}","displayName":"New"}""");
        using var again = await platform.PostJsonAsync("/api/users/register",
            $$"""{"email":"{{email.ToUpperInvariant()}}","password":"Another-Horse-43","displayName":"Twin"}""");
        // The same answer as for a new address (account enumeration), and the account is untouched.
        await Helpers.AssertRegistrationAcceptedAsync(again);
        Assert.Equal(await newcomer.Content.ReadAsStringAsync(Cancel), await again.Content.ReadAsStringAsync(Cancel));
        newcomer.Dispose();
        using (var intruder = await platform.PostLoginAsync(email, "Another-Horse-43"))
        {
            await Helpers.AssertProblemAsync(intruder, HttpStatusCode.Unauthorized);
        }

        // Sign-in works with any casing.
        await platform.LoginAsync(email.ToUpperInvariant());
        var normalized = email.ToUpperInvariant();
        Assert.Equal(1, await platform.Api.InScopeAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized, Cancel)));
    }

    [Fact]
    public async Task An_account_keeps_the_language_it_registered_in_and_one_registered_without_has_none()
    {
        Assert.Equal("de", (await platform.RegisterAsync(preferredLanguage: " de ")).PreferredLanguage);
        Assert.Null((await platform.RegisterAsync()).PreferredLanguage);
    }

    [Fact]
    public async Task The_access_token_names_the_profiles_language_and_the_next_token_follows_a_change()
    {
        static string? LocaleOf(TokenResponse tokens) =>
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.AccessToken).TryGetPayloadValue<string>("locale", out var locale) ? locale : null;
        var user = await platform.RegisterAsync(preferredLanguage: "de");
        var session = await platform.LoginAsync(user.Email);
        Assert.Equal("de", LocaleOf(session));

        using var client = platform.Client(session.AccessToken);
        using (var put = await client.PutAsJsonAsync("/api/users/me",
                   new { displayName = user.DisplayName, phone = (string?)null, preferredLanguage = "en-GB", emailNotifications = true }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Equal("en-GB", LocaleOf(await RefreshAsync(session.RefreshToken)));
        Assert.Null(LocaleOf(await platform.LoginAsync((await platform.RegisterAsync()).Email)));
    }

    [Fact]
    public async Task OrganizerAccountsOpenAtRegistrationButAdminNever()
    {
        var (organizer, tokens) = await platform.NewSessionAsync(accountType: "organizer");
        Assert.Equal(["attendee", "organizer"], organizer.Roles);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/organizer", tokens.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/admin", tokens.AccessToken));

        var before = await platform.Api.InScopeAsync(db => db.Users.CountAsync(Cancel));
        using var admin = await platform.PostJsonAsync("/api/users/register",
            $$"""{"email":"{{Helpers.NewEmail()}}","password":"{{Helpers.Password}}","displayName":"Mallory","accountType":"admin"}""");
        await Helpers.AssertValidationProblemAsync(admin, "accountType");
        Assert.Equal(before, await platform.Api.InScopeAsync(db => db.Users.CountAsync(Cancel)));
    }

    [Fact]
    public async Task DemoAccountsAreSeededInDevelopment()
    {
        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        Assert.Equal(DemoData.AdminId, admin.UserId);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/admin", admin.AccessToken));
        var organizer = await platform.LoginAsync(DemoData.OrganizerEmail, DemoData.Password);
        Assert.Equal(DemoData.OrganizerId, organizer.UserId);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/organizer", organizer.AccessToken));
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/admin", organizer.AccessToken));
        var attendee = await platform.LoginAsync(DemoData.AttendeeEmail, DemoData.Password);
        Assert.Equal(DemoData.AttendeeId, attendee.UserId);
        Assert.Equal(HttpStatusCode.Forbidden, await platform.Validator.StatusAsync("/organizer", attendee.AccessToken));
    }

    [Fact]
    public async Task ReusingARotatedRefreshTokenRevokesTheWholeFamily()
    {
        var (_, tokens) = await platform.NewSessionAsync();
        var second = await RefreshAsync(tokens.RefreshToken);
        // The first token is spent: presenting it again is a reuse (a stolen copy) ...
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(tokens.RefreshToken));
        // ... which revokes the legitimate successor too.
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(second.RefreshToken));
        // An unrelated session of the same user survives.
    }

    [Fact]
    public async Task ReuseRevokesOnlyThatSession()
    {
        var (user, a) = await platform.NewSessionAsync();
        var b = await platform.LoginAsync(user.Email);
        await RefreshAsync(a.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshStatusAsync(a.RefreshToken));
        await RefreshAsync(b.RefreshToken);
    }

    [Fact]
    public async Task ConcurrentUseOfOneRefreshTokenYieldsAtMostOneSuccess()
    {
        var (_, tokens) = await platform.NewSessionAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RefreshStatusAsync(tokens.RefreshToken)));
        Assert.True(results.Count(s => s == HttpStatusCode.OK) <= 1, string.Join(",", results));
    }

    [Fact]
    public async Task LoginErrorsDoNotRevealWhetherTheEmailExists()
    {
        var user = await platform.RegisterAsync();
        using var wrongPassword = await platform.PostLoginAsync(user.Email, "Wrong-Password-1");
        using var unknownEmail = await platform.PostLoginAsync(Helpers.NewEmail("ghost"), "Wrong-Password-1");
        var a = await Helpers.AssertProblemAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var b = await Helpers.AssertProblemAsync(unknownEmail, HttpStatusCode.Unauthorized);
        Assert.Equal(a.RootElement.GetProperty("type").GetString(), b.RootElement.GetProperty("type").GetString());
        Assert.Equal(a.RootElement.GetProperty("title").GetString(), b.RootElement.GetProperty("title").GetString());
    }

    private async Task<TokenResponse> RefreshAsync(string refreshToken)
    {
        using var response = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{refreshToken}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Cancel))!;
    }

    private async Task<HttpStatusCode> RefreshStatusAsync(string refreshToken)
    {
        using var response = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{refreshToken}}"}""");
        return response.StatusCode;
    }
}
