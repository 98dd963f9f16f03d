using System.Net;
using System.Net.Http.Json;
using EventBooking.ServiceDefaults;
using EventBooking.Testing;
using Npgsql;
using Users.Api.Apis;
using Xunit;

namespace Users.Api.Tests;

/// <summary>
/// An admin disables an account: its tokens are refused everywhere within the bound, it can neither sign in nor refresh, and
/// enabling it lets the person back in. And a refresh racing a revocation never leaves a session alive.
/// </summary>
public sealed class DisableAccountTests(RedisUsersPlatform platform) : IClassFixture<RedisUsersPlatform>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Disabling_ends_every_session_at_once_refuses_sign_in_and_refresh_and_enabling_lets_the_person_back()
    {
        var (user, session) = await platform.NewSessionAsync();
        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", session.AccessToken));

        using (var disabled = await platform.PutJsonAsync($"/api/users/{user.Id}/disabled", """{"disabled":true}""", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            Assert.True((await disabled.Content.ReadFromJsonAsync<UserProfile>(Cancel))!.Disabled);
        }

        await Poll.UntilAsync(async () => await platform.Validator.StatusAsync("/user", session.AccessToken) == HttpStatusCode.Unauthorized,
            RevokedSessions.StalenessBound, "another service refuses the disabled account's token", Cancel);
        using (var me = await platform.Client(session.AccessToken).GetAsync("/api/users/me", Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using (var refresh = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        }

        // The right password learns why; a wrong one learns nothing new.
        using (var login = await platform.PostLoginAsync(user.Email, Helpers.Password))
        {
            using var problem = await Helpers.AssertProblemAsync(login, HttpStatusCode.Forbidden);
            Assert.Equal("account-disabled", problem.RootElement.GetProperty("code").GetString());
        }

        using (var wrong = await platform.PostLoginAsync(user.Email, "Not-The-Password-42"))
        {
            using var problem = await Helpers.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
            Assert.Equal("invalid-credentials", problem.RootElement.GetProperty("code").GetString());
        }

        using (var enabled = await platform.PutJsonAsync($"/api/users/{user.Id}/disabled", """{"disabled":false}""", admin.AccessToken))
        {
            Assert.False((await enabled.Content.ReadFromJsonAsync<UserProfile>(Cancel))!.Disabled);
        }

        var again = await platform.LoginAsync(user.Email);
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", again.AccessToken));
    }

    [Fact]
    public async Task Only_an_admin_disables_never_their_own_account_and_a_bad_request_changes_nothing()
    {
        var (user, session) = await platform.NewSessionAsync();
        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        var adminId = (await platform.Client(admin.AccessToken).GetFromJsonAsync<UserProfile>("/api/users/me", Cancel))!.Id;

        using (var self = await platform.PutJsonAsync($"/api/users/{adminId}/disabled", """{"disabled":true}""", admin.AccessToken))
        {
            using var problem = await Helpers.AssertProblemAsync(self, HttpStatusCode.Conflict);
            Assert.Equal("cannot-disable-yourself", problem.RootElement.GetProperty("code").GetString());
        }

        using (var attendee = await platform.PutJsonAsync($"/api/users/{user.Id}/disabled", """{"disabled":true}""", session.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, attendee.StatusCode);
        }

        using (var missing = await platform.PutJsonAsync($"/api/users/{user.Id}/disabled", "{}", admin.AccessToken))
        {
            await Helpers.AssertValidationProblemAsync(missing, "disabled");
        }

        using (var unknown = await platform.PutJsonAsync($"/api/users/{Guid.NewGuid()}/disabled", """{"disabled":true}""", admin.AccessToken))
        {
            await Helpers.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        }

        // Nothing changed: both still work.
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/user", session.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await platform.Validator.StatusAsync("/admin", admin.AccessToken));
    }

    [Fact]
    public async Task A_refresh_racing_a_sign_out_everywhere_never_leaves_a_live_refresh_token()
    {
        for (var round = 0; round < 25; round++)
        {
            var (user, session) = await platform.NewSessionAsync();
            var refresh = platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""");
            var logoutAll = platform.PostJsonAsync("/api/users/logout-all", "{}", session.AccessToken);
            using var refreshed = await refresh;
            using var ended = await logoutAll;
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);

            // Whichever came first, once sign-out-everywhere has answered, no refresh token of the account may work.
            await using var connection = new NpgsqlConnection(platform.Api.ConnectionString);
            await connection.OpenAsync(Cancel);
            await using var live = new NpgsqlCommand("""SELECT count(*)::int FROM refresh_tokens WHERE "UserId" = $1 AND "RevokedAt" IS NULL""", connection)
            {
                Parameters = { new() { Value = user.Id } },
            };
            Assert.Equal(0, (int)(await live.ExecuteScalarAsync(Cancel))!);
        }
    }
}
