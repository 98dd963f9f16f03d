using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace EventBooking.AppHost.Tests;

/// <summary>The four APIs from the AppHost, with their Redis, and the demo accounts (an admin changes roles).</summary>
public sealed class RevocationFixture() : TopologyFixture(
    [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi], seedDemoData: true);

/// <summary>
/// Access-token revocation through the real system: sign-out, sign-out everywhere, a password change and a role taken away make the
/// ended sessions' access tokens useless in every API at once (here: 100 ms later); a new sign-in works; and while Redis is
/// out of reach the APIs refuse end-user tokens with a 503 (fail closed) but keep serving service identities and sign-in.
/// </summary>
public sealed class RevocationTests(RevocationFixture fixture) : IClassFixture<RevocationFixture>
{
    private static readonly TimeSpan AfterRevocation = TimeSpan.FromMilliseconds(100);

    /// <summary>One route per API that any end-user token opens.</summary>
    private static readonly (string Service, string Path)[] Targets =
    [
        (ResourceNames.UsersApi, "/api/users/me"),
        (ResourceNames.EventsApi, "/api/organizers/me/events"),
        (ResourceNames.BookingsApi, "/api/bookings"),
        (ResourceNames.NotificationsApi, "/api/notifications"),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_used_100_ms_after_logout_is_refused_by_every_API_and_a_new_sign_in_works()
    {
        var account = await fixture.RegisterAsync("organizer");
        await AssertAcceptedEverywhereAsync(account.AccessToken);

        using var users = fixture.CreateClient(ResourceNames.UsersApi);
        using (var logout = await users.PostAsJsonAsync("/api/users/logout", new { refreshToken = account.RefreshToken }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        await Task.Delay(AfterRevocation, Ct);
        await AssertRevokedEverywhereAsync(account.AccessToken);

        var again = await fixture.LoginAsync(account.Email, account.Password);
        await AssertAcceptedEverywhereAsync(again.AccessToken);
    }

    [Fact]
    public async Task Logout_all_revokes_every_session_of_the_user_and_no_one_else()
    {
        var account = await fixture.RegisterAsync("organizer");
        var second = await fixture.LoginAsync(account.Email, account.Password);
        var bystander = await fixture.RegisterAsync("organizer");

        using (var users = fixture.CreateClient(ResourceNames.UsersApi, account.AccessToken))
        using (var logoutAll = await users.PostAsync("/api/users/logout-all", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, logoutAll.StatusCode);
        }

        await Task.Delay(AfterRevocation, Ct);
        await AssertRevokedEverywhereAsync(account.AccessToken);
        await AssertRevokedEverywhereAsync(second.AccessToken);
        await AssertAcceptedEverywhereAsync(bystander.AccessToken);
    }

    [Fact]
    public async Task A_password_change_revokes_the_other_sessions_and_keeps_the_current_one()
    {
        var account = await fixture.RegisterAsync("organizer");
        var other = await fixture.LoginAsync(account.Email, account.Password);

        using (var users = fixture.CreateClient(ResourceNames.UsersApi, account.AccessToken))
        using (var change = await users.PostAsJsonAsync("/api/users/me/password",
            new { currentPassword = account.Password, newPassword = "Another-Horse-43!" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        await Task.Delay(AfterRevocation, Ct);
        await AssertRevokedEverywhereAsync(other.AccessToken);
        await AssertAcceptedEverywhereAsync(account.AccessToken);
    }

    [Fact]
    public async Task Taking_a_role_away_revokes_the_accounts_tokens_and_the_next_sign_in_carries_what_is_left()
    {
        var account = await fixture.RegisterAsync("organizer");
        using (var admin = await fixture.AsAsync(ResourceNames.UsersApi, "admin"))
        using (var roles = await admin.PutAsJsonAsync($"/api/users/{account.UserId}/roles", new { roles = new[] { "attendee" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, roles.StatusCode);
        }

        await Task.Delay(AfterRevocation, Ct);
        await AssertRevokedEverywhereAsync(account.AccessToken);

        // The organizer route is now closed to this person (403), but the token itself is good.
        var again = await fixture.LoginAsync(account.Email, account.Password);
        using var events = fixture.CreateClient(ResourceNames.EventsApi, again.AccessToken);
        using var response = await events.GetAsync("/api/organizers/me/events", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, again.AccessToken);
        using var mine = await bookings.GetAsync("/api/bookings", Ct);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
    }

    [Fact]
    public async Task While_Redis_is_down_end_user_tokens_get_503_service_identities_and_sign_in_keep_working()
    {
        var account = await fixture.RegisterAsync("organizer");
        var serviceToken = await fixture.ServiceTokenAsync(ResourceNames.BookingsApi);
        await AssertAcceptedEverywhereAsync(account.AccessToken);

        await fixture.System.StopAsync(ResourceNames.Cache, Ct);
        try
        {
            // Fail closed: within the staleness bound (1 s) every API stops trusting its view of the revocations.
            foreach (var (service, path) in Targets)
            {
                using var client = fixture.CreateClient(service, account.AccessToken);
                var refusal = await Poll.ForAsync(async () =>
                {
                    using var response = await client.GetAsync(path, Ct);
                    return response.StatusCode == HttpStatusCode.ServiceUnavailable ? await ProblemAsync(response) : null;
                }, TimeSpan.FromSeconds(10), $"{service} refuses end-user tokens with Redis down", Ct);
                Assert.Equal(RevocationErrors.RevocationUnavailable.Code, refusal.Code);
                Assert.True(refusal.RetryAfter, $"{service}: a 503 says when to retry");
            }

            // A service identity has no session to check.
            using (var internalUsers = fixture.CreateClient(ResourceNames.UsersApi, serviceToken))
            using (var contact = await internalUsers.GetAsync($"/internal/users/{account.UserId}", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, contact.StatusCode);
            }

            // Sign-in needs no revocation check; its token is refused like any other until Redis is back.
            var signedIn = await fixture.LoginAsync(account.Email, account.Password);
            Assert.False(string.IsNullOrEmpty(signedIn.AccessToken));
        }
        finally
        {
            await fixture.System.StartAsync(ResourceNames.Cache, cancellationToken: Ct);
        }

        // Back: the views are read again from Redis and the token works everywhere.
        await Poll.UntilAsync(async () =>
        {
            foreach (var (service, path) in Targets)
            {
                using var client = fixture.CreateClient(service, account.AccessToken);
                using var response = await client.GetAsync(path, Ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), "every API accepts the token again", Ct);
    }

    private async Task AssertAcceptedEverywhereAsync(string token)
    {
        foreach (var (service, path) in Targets)
        {
            using var client = fixture.CreateClient(service, token);
            using var response = await client.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service} {path}: {(int)response.StatusCode} for a valid session's token");
        }
    }

    private async Task AssertRevokedEverywhereAsync(string token)
    {
        var clock = Stopwatch.StartNew();
        foreach (var (service, path) in Targets)
        {
            using var client = fixture.CreateClient(service, token);
            using var response = await client.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{service} {path}: {(int)response.StatusCode} for a revoked session's token");
            Assert.Equal(RevocationErrors.SessionRevoked.Code, (await ProblemAsync(response)).Code);
        }

        TestContext.Current.SendDiagnosticMessage($"revoked token refused by {Targets.Length} APIs in {clock.ElapsedMilliseconds} ms");
    }

    private static async Task<Refusal> ProblemAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        return new Refusal(Answers.CodeOf(problem), response.Headers.RetryAfter is not null);
    }

    private sealed record Refusal(string? Code, bool RetryAfter);
}
