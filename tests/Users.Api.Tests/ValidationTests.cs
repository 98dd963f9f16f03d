using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Users.Api.Apis;
using Xunit;

namespace Users.Api.Tests;

/// <summary>Bad input on every endpoint: 400 (413 for oversized bodies) with field errors, and nothing changes.</summary>
public sealed class ValidationTests(UsersPlatform platform) : IClassFixture<UsersPlatform>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Task<(int Users, int RefreshTokens)> CountsAsync() => platform.Api.InScopeAsync(async db =>
        (await db.Users.CountAsync(Cancel), await db.RefreshTokens.CountAsync(Cancel)));

    public static TheoryData<string, string[]> BadRegistrations => new()
    {
        { "{}", ["email", "password", "displayName"] },
        { """{"email":"not-an-email","password":"Correct-Horse-42","displayName":"X"}""", ["email"] },
        { """{"email":"a@b","password":"Correct-Horse-42","displayName":"X"}""", ["email"] },
        { """{"email":"x@example.com","password":"short1!","displayName":"X"}""", ["password"] },
        { """{"email":"x@example.com","password":"onlyletterslong","displayName":"X"}""", ["password"] },
        { """{"email":"x@example.com","password":"aaaaaaaaaaaa1","displayName":"X"}""", ["password"] },
        { """{"email":"x@example.com","password":"Correct-Horse-42","displayName":"   "}""", ["displayName"] },
        { """{"email":"x@example.com","password":"Correct-Horse-42","displayName":"X","accountType":"superuser"}""", ["accountType"] },
        { """{"email":"x@example.com","password":"Correct-Horse-42","displayName":"X","roles":["admin"]}""", ["roles"] },
        { """{"email":5,"password":"Correct-Horse-42","displayName":"X"}""", ["email"] },
        { """{"email":"x@example.com","password":"Correct-Horse-42","displayName":"X","preferredLanguage":"not a language"}""", ["preferredLanguage"] },
        { """{"email":"x@example.com","password":["Correct-Horse-42"],"displayName":"X"}""", ["password"] },
        { """{"email":"x@example.com","password":"Correct-Horse-42","displayName":"X",""", ["body"] },
        { "[]", ["body"] },
        { "null", ["body"] },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task RegisterRefusesBadInput(string body, string[] fields)
    {
        var before = await CountsAsync();
        using var response = await platform.PostJsonAsync("/api/users/register", body);
        await Helpers.AssertValidationProblemAsync(response, fields);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task RegisterRefusesOverlongFieldsAndHugeBodies()
    {
        var before = await CountsAsync();
        var longName = new string('n', 5000);
        var longEmail = new string('e', 300) + "@example.com";
        using (var response = await platform.PostJsonAsync("/api/users/register",
                   $$"""{"email":"{{longEmail}}","password":"{{new string('p', 200)}}1","displayName":"{{longName}}"}"""))
        {
            await Helpers.AssertValidationProblemAsync(response, "email", "password", "displayName");
        }

        // users-api's limit is 16 KiB (Http:MaxRequestBodyBytes in its appsettings.json), below the 64 KiB default.
        using (var over16KiB = await platform.PostJsonAsync("/api/users/register",
                   $$"""{"email":"x@example.com","password":"Correct-Horse-42","displayName":"{{new string('n', 17_000)}}"}""", expectContinue: true))
        {
            await Helpers.AssertProblemAsync(over16KiB, HttpStatusCode.RequestEntityTooLarge);
        }

        using (var huge = await platform.PostJsonAsync("/api/users/register",
                   $$"""{"email":"x@example.com","password":"Correct-Horse-42","displayName":"{{new string('n', 1_000_000)}}"}""", expectContinue: true))
        {
            await Helpers.AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge);
        }

        using (var notJson = await platform.Client().PostAsync("/api/users/register",
                   new StringContent("email=x@example.com", Encoding.UTF8, "application/x-www-form-urlencoded"), Cancel))
        {
            await Helpers.AssertProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType);
        }

        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("{}", new[] { "email", "password" })]
    [InlineData("""{"email":"x@example.com"}""", new[] { "password" })]
    [InlineData("""{"email":true,"password":"x"}""", new[] { "email" })]
    [InlineData("""{"email":"not-an-email","password":"Correct-Horse-42"}""", new[] { "email" })]
    [InlineData("""{"email":"x@example.com","password":"Correct-Horse-42","remember":true}""", new[] { "remember" })]
    public async Task LoginRefusesBadInput(string body, string[] fields)
    {
        var before = await CountsAsync();
        using var response = await platform.PostJsonAsync("/api/users/login", body);
        await Helpers.AssertValidationProblemAsync(response, fields);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("/api/users/refresh")]
    [InlineData("/api/users/logout")]
    public async Task RefreshAndLogoutRefuseBadInput(string path)
    {
        var (_, tokens) = await platform.NewSessionAsync();
        var before = await CountsAsync();
        foreach (var (body, field) in new[]
                 {
                     ("{}", "refreshToken"), ("""{"refreshToken":""}""", "refreshToken"), ("""{"refreshToken":42}""", "refreshToken"),
                     ($$"""{"refreshToken":"{{new string('r', 500)}}"}""", "refreshToken"),
                     ($$"""{"refreshToken":"{{tokens.RefreshToken}}","userId":"x"}""", "userId"),
                 })
        {
            using var response = await platform.PostJsonAsync(path, body);
            await Helpers.AssertValidationProblemAsync(response, field);
        }

        Assert.Equal(before, await CountsAsync());
        // The session is untouched.
        using var ok = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{tokens.RefreshToken}}"}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task ProfileUpdateRefusesBadInputAndChangesNothing()
    {
        var (_, tokens) = await platform.NewSessionAsync();
        using var client = platform.Client(tokens.AccessToken);
        var user = await client.GetFromJsonAsync<UserProfile>("/api/users/me", Cancel);
        foreach (var (body, fields) in new (string, string[])[]
                 {
                     ("{}", ["displayName", "emailNotifications"]),
                     ("""{"displayName":"Ok","emailNotifications":"yes"}""", ["emailNotifications"]),
                     ("""{"displayName":"Ok","emailNotifications":true,"phone":"call me maybe"}""", ["phone"]),
                     ("""{"displayName":"Ok","emailNotifications":true,"preferredLanguage":"english please"}""", ["preferredLanguage"]),
                     ($$"""{"displayName":"{{new string('d', 101)}}","emailNotifications":true}""", ["displayName"]),
                     ("""{"displayName":"Ok","emailNotifications":true,"roles":["admin"]}""", ["roles"]),
                     ("""{"displayName":"Ok","emailNotifications":true,"email":"other@example.com"}""", ["email"]),
                 })
        {
            using var response = await platform.PutJsonAsync("/api/users/me", body, tokens.AccessToken);
            await Helpers.AssertValidationProblemAsync(response, fields);
        }

        var me = await client.GetFromJsonAsync<UserProfile>("/api/users/me", Cancel);
        Assert.Equal((user!.DisplayName, user.Email, string.Join(",", user.Roles), user.UpdatedAt), (me!.DisplayName, me.Email, string.Join(",", me.Roles), me.UpdatedAt));
    }

    [Fact]
    public async Task PasswordChangeRefusesBadInputAndKeepsThePassword()
    {
        var (user, tokens) = await platform.NewSessionAsync();
        var other = await platform.LoginAsync(user.Email);
        foreach (var (body, field) in new[]
                 {
                     ("{}", "currentPassword"),
                     ($$"""{"currentPassword":"{{Helpers.Password}}","newPassword":"weak"}""", "newPassword"),
                     ($$"""{"currentPassword":"Wrong-Password-9","newPassword":"Brand-New-Pass-1"}""", "currentPassword"),
                     ($$"""{"currentPassword":"{{Helpers.Password}}","newPassword":"{{Helpers.Password}}"}""", "newPassword"),
                     ($$"""{"currentPassword":"{{Helpers.Password}}","newPassword":"{{user.Email}}"}""", "newPassword"),
                     ($$"""{"currentPassword":"{{Helpers.Password}}","newPassword":12345678901234}""", "newPassword"),
                 })
        {
            using var response = await platform.PostJsonAsync("/api/users/me/password", body, tokens.AccessToken);
            await Helpers.AssertValidationProblemAsync(response, field);
        }

        await platform.LoginAsync(user.Email, Helpers.Password);
        // The other session was not revoked.
        using var refresh = await platform.PostJsonAsync("/api/users/refresh", $$"""{"refreshToken":"{{other.RefreshToken}}"}""");
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
    }

    [Fact]
    public async Task AdminEndpointsRefuseBadInputAndChangeNothing()
    {
        var admin = await platform.LoginAsync(DemoData.AdminEmail, DemoData.Password);
        using var client = platform.Client(admin.AccessToken);
        foreach (var (query, field) in new[] { ("page=0", "page"), ("pageSize=1000", "pageSize"), ("page=abc", "page"), ($"search={new string('s', 101)}", "search") })
        {
            using var response = await client.GetAsync($"/api/users?{query}", Cancel);
            await Helpers.AssertValidationProblemAsync(response, field);
        }

        // An id that is not a GUID is a field error, not an unknown route.
        using (var malformed = await client.GetAsync("/api/users/not-a-guid", Cancel))
        {
            await Helpers.AssertValidationProblemAsync(malformed, "id");
        }

        using (var malformed = await platform.PutJsonAsync("/api/users/not-a-guid/roles", """{"roles":["organizer"]}""", admin.AccessToken))
        {
            await Helpers.AssertValidationProblemAsync(malformed, "id");
        }

        var target = await platform.RegisterAsync();
        foreach (var (body, field) in new[]
                 {
                     ("{}", "roles"), ("""{"roles":["attendee","wizard"]}""", "roles[1]"), ("""{"roles":"admin"}""", "roles"),
                     ("""{"roles":[null]}""", "roles[0]"), ("""{"roles":["organizer"],"email":"x@example.com"}""", "email"),
                 })
        {
            using var response = await platform.PutJsonAsync($"/api/users/{target.Id}/roles", body, admin.AccessToken);
            await Helpers.AssertValidationProblemAsync(response, field);
        }

        using (var demote = await platform.PutJsonAsync($"/api/users/{DemoData.AdminId}/roles", """{"roles":["attendee"]}""", admin.AccessToken))
        {
            await Helpers.AssertValidationProblemAsync(demote, "roles");
        }

        var roles = await platform.Api.InScopeAsync(db => db.Users.Where(u => u.Id == target.Id || u.Id == DemoData.AdminId)
            .OrderBy(u => u.Id).Select(u => u.Roles).ToListAsync(Cancel));
        Assert.Equal(["attendee", "organizer", "admin"], roles[0]);
        Assert.Equal(["attendee"], roles[1]);
    }

    [Fact]
    public async Task TokenEndpointRefusesBadRequestsWithOAuthErrors()
    {
        using var client = platform.Client();
        foreach (var (form, status, error) in new (Dictionary<string, string>, HttpStatusCode, string)[]
                 {
                     (new() { ["client_id"] = "bookings-api", ["client_secret"] = UsersApiFactory.BookingsClientSecret }, HttpStatusCode.BadRequest, "invalid_request"),
                     (new() { ["grant_type"] = "password", ["client_id"] = "bookings-api", ["client_secret"] = UsersApiFactory.BookingsClientSecret }, HttpStatusCode.BadRequest, "unsupported_grant_type"),
                     (new() { ["grant_type"] = "client_credentials", ["client_id"] = "bookings-api", ["client_secret"] = "wrong-secret-wrong-secret" }, HttpStatusCode.Unauthorized, "invalid_client"),
                     (new() { ["grant_type"] = "client_credentials", ["client_id"] = "nobody", ["client_secret"] = UsersApiFactory.BookingsClientSecret }, HttpStatusCode.Unauthorized, "invalid_client"),
                     (new() { ["grant_type"] = "client_credentials", ["client_id"] = "bookings-api", ["client_secret"] = UsersApiFactory.BookingsClientSecret, ["scope"] = "openid" }, HttpStatusCode.BadRequest, "invalid_scope"),
                 })
        {
            using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form), Cancel);
            var problem = await Helpers.AssertProblemAsync(response, status);
            Assert.Equal(error, problem.RootElement.GetProperty("error").GetString());
            Assert.Equal(error.Replace('_', '-'), problem.RootElement.GetProperty("code").GetString());
        }

        using var json = await client.PostAsync("/connect/token", JsonContent.Create(new { grant_type = "client_credentials" }), Cancel);
        var jsonProblem = await Helpers.AssertProblemAsync(json, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request", jsonProblem.RootElement.GetProperty("error").GetString());
    }
}
