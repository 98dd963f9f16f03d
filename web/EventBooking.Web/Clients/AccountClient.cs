using System.Net.Http.Json;
using EventBooking.Web.Auth;

namespace EventBooking.Web.Clients;

// users-api DTOs: services/Users.Api/Apis/Dtos.cs (TokenResponse: services/Users.Api/Infrastructure/SessionService.cs).
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, DateTimeOffset ExpiresAt, string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt, Guid UserId);

public sealed record UserProfile(Guid Id, string Email, bool EmailVerified, string DisplayName, string? Phone, string? PreferredLanguage, bool EmailNotifications,
    IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record RegisterBody(string Email, string Password, string DisplayName, string AccountType, string? PreferredLanguage);

public sealed record UpdateProfileBody(string DisplayName, string? Phone, string? PreferredLanguage, bool EmailNotifications);

public sealed record ChangePasswordBody(string CurrentPassword, string NewPassword);

/// <summary>users-api calls made without a user token: sign-in, registration, refresh, sign-out (singleton).</summary>
public sealed class AccountClient(IHttpClientFactory factory)
{
    public const string HttpClientName = "users-api-anonymous";
    private const string Service = "Service_Account";

    private HttpClient Http => factory.CreateClient(HttpClientName);

    public Task<ApiResult<TokenResponse>> LoginAsync(string email, string password, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<TokenResponse>(Http, HttpMethod.Post, "/api/users/login", new { email, password }, Service, cancellationToken);

    /// <summary>
    /// Registers; users-api answers a new address and one already registered alike (202), so success means "sign in now",
    /// not "a new account exists".
    /// </summary>
    public Task<ApiResult<NoBody>> RegisterAsync(RegisterBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(Http, HttpMethod.Post, "/api/users/register", body, Service, cancellationToken);

    /// <summary>The profile of the token's owner (used right after sign-in, before the cookie exists).</summary>
    public Task<ApiResult<UserProfile>> GetMeAsync(string accessToken, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        request.Headers.Authorization = new("Bearer", accessToken);
        return Api.SendAsync<UserProfile>(Http, request, Service, cancellationToken);
    }

    /// <summary>Changes the profile of the token's owner (used right after registering, before the cookie exists).</summary>
    public Task<ApiResult<UserProfile>> UpdateMeAsync(string accessToken, UpdateProfileBody body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/users/me") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", accessToken);
        return Api.SendAsync<UserProfile>(Http, request, Service, cancellationToken);
    }

    /// <summary>Trades the refresh token for a new pair; null when users-api refuses it (the session is over).</summary>
    public async Task<UserSession?> RefreshAsync(string refreshToken, string? clientAddress, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/users/refresh") { Content = JsonContent.Create(new { refreshToken }) };
        if (clientAddress is not null)
        {
            request.Options.Set(ClientAddressHandler.Address, clientAddress);
        }

        var result = await Api.SendAsync<TokenResponse>(Http, request, Service, cancellationToken);
        return result.Value is { } tokens ? ToSession(tokens) : null;
    }

    /// <summary>Uses the token of an emailed verification link.</summary>
    public Task<ApiResult<NoBody>> VerifyEmailAsync(string token, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(Http, HttpMethod.Post, "/api/users/verify-email", new { token }, Service, cancellationToken);

    /// <summary>Asks for a reset link; users-api answers alike whether or not the address has an account.</summary>
    public Task<ApiResult<NoBody>> ForgotPasswordAsync(string email, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(Http, HttpMethod.Post, "/api/users/forgot-password", new { email }, Service, cancellationToken);

    /// <summary>Sets a new password with the token of an emailed reset link (every session of the account ends).</summary>
    public Task<ApiResult<NoBody>> ResetPasswordAsync(string token, string newPassword, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(Http, HttpMethod.Post, "/api/users/reset-password", new { token, newPassword }, Service, cancellationToken);

    public Task<ApiResult<NoBody>> LogoutAsync(string refreshToken, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(Http, HttpMethod.Post, "/api/users/logout", new { refreshToken }, Service, cancellationToken);

    public static UserSession ToSession(TokenResponse tokens) => new(tokens.AccessToken, tokens.ExpiresAt, tokens.RefreshToken, tokens.RefreshTokenExpiresAt);
}

/// <summary>An API token as its owner sees it: never the secret, only its first characters (<see cref="Hint"/>).</summary>
public sealed record ApiTokenDto(
    Guid Id, string Name, IReadOnlyList<string> Scopes, Guid? EventId, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Active);

/// <summary>A new API token with its secret, shown this once.</summary>
public sealed record CreatedApiToken(ApiTokenDto Token, string Secret);

public sealed record CreateApiTokenBody(string? Name, IReadOnlyList<string> Scopes, Guid? EventId, DateTimeOffset? ExpiresAt);

/// <summary>users-api calls on behalf of the signed-in user.</summary>
public sealed class UsersClient(HttpClient http)
{
    private const string Service = "Service_Account";

    public Task<ApiResult<UserProfile>> GetMeAsync(CancellationToken cancellationToken) => Api.GetAsync<UserProfile>(http, "/api/users/me", Service, cancellationToken);

    public Task<ApiResult<UserProfile>> UpdateMeAsync(UpdateProfileBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<UserProfile>(http, HttpMethod.Put, "/api/users/me", body, Service, cancellationToken);

    public Task<ApiResult<NoBody>> ChangePasswordAsync(ChangePasswordBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Post, "/api/users/me/password", body, Service, cancellationToken);

    /// <summary>Emails the user a new verification link.</summary>
    public Task<ApiResult<NoBody>> ResendVerificationEmailAsync(CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Post, "/api/users/me/verification-email", null, Service, cancellationToken);

    public Task<ApiResult<Paged<UserProfile>>> ListAsync(string? search, int page, int pageSize, CancellationToken cancellationToken) =>
        Api.GetAsync<Paged<UserProfile>>(http, $"/api/users?page={page}&pageSize={pageSize}{Query.Param("search", search)}", Service, cancellationToken);

    public Task<ApiResult<UserProfile>> SetRolesAsync(Guid id, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<UserProfile>(http, HttpMethod.Put, $"/api/users/{id}/roles", new { roles }, Service, cancellationToken);

    public Task<ApiResult<UserProfile>> SetDisabledAsync(Guid id, bool disabled, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<UserProfile>(http, HttpMethod.Put, $"/api/users/{id}/disabled", new { disabled }, Service, cancellationToken);

    public Task<ApiResult<List<ApiTokenDto>>> ListApiTokensAsync(CancellationToken cancellationToken) =>
        Api.GetAsync<List<ApiTokenDto>>(http, "/api/users/me/api-tokens", Service, cancellationToken);

    public Task<ApiResult<CreatedApiToken>> CreateApiTokenAsync(CreateApiTokenBody body, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<CreatedApiToken>(http, HttpMethod.Post, "/api/users/me/api-tokens", body, Service, cancellationToken);

    public Task<ApiResult<NoBody>> RevokeApiTokenAsync(Guid id, CancellationToken cancellationToken) =>
        Api.SendJsonAsync<NoBody>(http, HttpMethod.Delete, $"/api/users/me/api-tokens/{id}", null, Service, cancellationToken);
}

internal static class Query
{
    public static string Param(string name, string? value) =>
        string.IsNullOrWhiteSpace(value) ? "" : $"&{name}={Uri.EscapeDataString(value.Trim())}";
}
