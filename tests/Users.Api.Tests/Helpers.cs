using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Users.Api.Apis;
using Microsoft.EntityFrameworkCore;
using Users.Api.Infrastructure;
using Xunit;

namespace Users.Api.Tests;

public static class Helpers
{
    public const string Password = "Correct-Horse-42";

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public static async Task<UserProfile> RegisterAsync(this UsersPlatform platform, string? email = null, string password = Password,
        string displayName = "Test Person", string? accountType = null, string? preferredLanguage = null)
    {
        using var client = platform.Client();
        email ??= NewEmail();
        using var response = await client.PostAsJsonAsync("/api/users/register",
            new { email, password, displayName, accountType, preferredLanguage }, TestContext.Current.CancellationToken);
        await AssertRegistrationAcceptedAsync(response);
        // The answer does not say whether an account was created (no enumeration): read it from the database.
        var normalized = Users.Api.Model.User.Normalize(email);
        var user = await platform.Api.InScopeAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == normalized, TestContext.Current.CancellationToken));
        return UserProfile.From(user);
    }

    /// <summary>The one answer to every valid registration: 202 with the same neutral body and no Location.</summary>
    public static async Task AssertRegistrationAcceptedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("id", out _));
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(this UsersPlatform platform, string email, string password)
    {
        using var client = platform.Client();
        return await client.PostAsJsonAsync("/api/users/login", new { email, password }, TestContext.Current.CancellationToken);
    }

    public static async Task<TokenResponse> LoginAsync(this UsersPlatform platform, string email, string password = Password)
    {
        using var response = await platform.PostLoginAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Registers a fresh account and signs it in.</summary>
    public static async Task<(UserProfile User, TokenResponse Tokens)> NewSessionAsync(this UsersPlatform platform, string? accountType = null)
    {
        var user = await platform.RegisterAsync(accountType: accountType);
        return (user, await platform.LoginAsync(user.Email));
    }

    /// <param name="expectContinue">
    /// Sends <c>Expect: 100-continue</c> and the body only once the server asks for it, as a client sending a large body should:
    /// a body over the limit is then answered 413 before it is sent, instead of the server closing the connection while the
    /// client is still writing (a broken pipe on the client, depending on how much the loopback socket buffers).
    /// </param>
    public static async Task<HttpResponseMessage> PostJsonAsync(this UsersPlatform platform, string path, string json, string? token = null, bool expectContinue = false)
    {
        using var client = platform.Client(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = expectContinue;
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<HttpResponseMessage> PutJsonAsync(this UsersPlatform platform, string path, string json, string? token = null)
    {
        using var client = platform.Client(token);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PutAsync(path, content, TestContext.Current.CancellationToken);
    }

    public static async Task<string> ServiceTokenAsync(this UsersPlatform platform, string clientId = "bookings-api",
        string secret = UsersApiFactory.BookingsClientSecret)
    {
        using var client = platform.Client();
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = "eventbooking.internal",
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Asserts a 400 ValidationProblem naming <paramref name="fields"/> (and returns its field names).</summary>
    public static async Task<IReadOnlyCollection<string>> AssertValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.TryGetProperty("errors", out var errors), $"No field errors in: {body}");
        var names = errors.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var field in fields)
        {
            Assert.True(names.Contains(field, StringComparer.OrdinalIgnoreCase), $"Expected an error for '{field}' in: {body}");
        }

        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Users.Api", body, StringComparison.Ordinal);
        Assert.Equal(Problems.ValidationCode, AssertCode(json));
        return names;
    }

    public static async Task<JsonDocument> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body);
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
        AssertCode(json);
        return json;
    }

    /// <summary>Every problem speaks the shared vocabulary: a <c>code</c>, and a <c>type</c> made of the one base and that code.</summary>
    private static string AssertCode(JsonDocument problem)
    {
        var code = problem.RootElement.GetProperty("code").GetString();
        Assert.False(string.IsNullOrEmpty(code), problem.RootElement.ToString());
        Assert.Equal(Problems.TypeBase + code, problem.RootElement.GetProperty("type").GetString());
        return code;
    }
}
