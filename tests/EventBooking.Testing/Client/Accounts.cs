using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace EventBooking.Testing;

/// <summary>A signed-in person: who they are, how they sign in again, and their tokens.</summary>
public sealed record Account(Guid UserId, string Email, string Password, string AccessToken, string RefreshToken);

/// <summary>
/// users-api as tests and benchmarks use it to get signed-in clients: register a person (attendee or organizer), sign in
/// (the demo admin, organizer and attendee too), and a service identity's token (OAuth2 client credentials). Each call is
/// sent with the users-api client the caller passes (its base address, handler and source address are the caller's).
/// </summary>
public static class Accounts
{
    public const string DefaultPassword = "Correct-Horse-42!";

    /// <summary>
    /// Registers a fresh account and signs it in. <paramref name="name"/> (default: the account type) starts its e-mail address
    /// (<c>{name}-{guid}@test.example</c>) and ends its display name (<c>Test {name}</c>). With <paramref name="verifiedBy"/> (an
    /// admin's access token) its address is then marked verified the way support does it (<c>POST /api/users/{id}/verify-email</c>)
    /// and the returned tokens say so, so it may book; without, it is a new account whose owner has not opened the email yet.
    /// </summary>
    public static async Task<Account> RegisterAsync(this HttpClient users, string accountType = "attendee", string? name = null, string? email = null,
        string password = DefaultPassword, string? displayName = null, RetryPolicy? retry = null, string? verifiedBy = null,
        CancellationToken cancellationToken = default)
    {
        name ??= accountType;
        email ??= $"{name}-{Guid.NewGuid():N}@test.example";
        var body = new { email, password, displayName = displayName ?? $"Test {name}", accountType };
        using (var registered = await (retry ?? RetryPolicy.Unavailable).SendAsync(ct => users.PostAsJsonAsync("/api/users/register", body, ct), cancellationToken))
        {
            await registered.ReadJsonAsync(HttpStatusCode.Accepted, cancellationToken);
        }

        var account = await users.LoginAsync(email, password, retry, cancellationToken);
        if (verifiedBy is null)
        {
            return account;
        }

        // Marking an address verified twice is marking it once, so a 503 (e.g. revocation catching up after Redis came back) is retried.
        using (var verified = await (retry ?? RetryPolicy.Unavailable).SendAsync(ct => SendVerifyAsync(users, account.UserId, verifiedBy, ct), cancellationToken))
        {
            await verified.ReadJsonAsync(HttpStatusCode.OK, cancellationToken);
        }

        return await users.RefreshAsync(account, retry, cancellationToken);
    }

    private static async Task<HttpResponseMessage> SendVerifyAsync(HttpClient users, Guid userId, string adminToken, CancellationToken cancellationToken)
    {
        using var verify = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{userId}/verify-email");
        verify.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        return await users.SendAsync(verify, cancellationToken);
    }

    /// <summary>The account with new tokens for its refresh token (<c>POST /api/users/refresh</c>): the claims as they are now.</summary>
    public static async Task<Account> RefreshAsync(this HttpClient users, Account account, RetryPolicy? retry = null, CancellationToken cancellationToken = default)
    {
        using var response = await (retry ?? RetryPolicy.Unavailable).SendAsync(
            ct => users.PostAsJsonAsync("/api/users/refresh", new { refreshToken = account.RefreshToken }, ct), cancellationToken);
        var session = await response.ReadJsonAsync(HttpStatusCode.OK, cancellationToken);
        return account with { AccessToken = session.GetProperty("accessToken").GetString()!, RefreshToken = session.GetProperty("refreshToken").GetString()! };
    }

    public static async Task<Account> LoginAsync(this HttpClient users, string email, string password, RetryPolicy? retry = null,
        CancellationToken cancellationToken = default)
    {
        using var response = await (retry ?? RetryPolicy.Unavailable).SendAsync(ct => users.PostAsJsonAsync("/api/users/login", new { email, password }, ct), cancellationToken);
        var session = await response.ReadJsonAsync(HttpStatusCode.OK, cancellationToken);
        return new Account(session.GetProperty("userId").GetGuid(), email, password,
            session.GetProperty("accessToken").GetString()!, session.GetProperty("refreshToken").GetString()!);
    }

    /// <summary>An access token of a service identity (<c>POST /connect/token</c>, client credentials, the internal scope).</summary>
    public static async Task<string> ServiceTokenAsync(this HttpClient users, string clientId, string clientSecret, RetryPolicy? retry = null,
        CancellationToken cancellationToken = default)
    {
        using var response = await (retry ?? RetryPolicy.Unavailable).SendAsync(ct => users.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["scope"] = IdentityClaims.InternalScope,
        }), ct), cancellationToken);
        return (await response.ReadJsonAsync(HttpStatusCode.OK, cancellationToken)).GetProperty("access_token").GetString()!;
    }

    /// <summary>This client, sending <paramref name="token"/> as its bearer token from now on (none when null).</summary>
    public static HttpClient SignedIn(this HttpClient client, string? token)
    {
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
