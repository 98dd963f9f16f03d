using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Inventory;

/// <summary>The service identity of bookings-api (<c>Identity:ClientId</c>/<c>Identity:ClientSecret</c>).</summary>
public sealed class ServiceIdentityOptions
{
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
}

/// <summary>
/// Gets the service's access token from users-api (OAuth2 client credentials at <c>POST /connect/token</c>) and keeps it
/// until shortly before it expires.
/// </summary>
public sealed class ServiceTokenProvider(IHttpClientFactory httpClients, IOptions<ServiceIdentityOptions> options, TimeProvider time) : IDisposable
{
    /// <summary>The named HttpClient (base address users-api) the token is fetched with.</summary>
    public const string HttpClientName = "users-api-token";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && time.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && time.GetUtcNow() < again.RenewAt)
            {
                return again.Token;
            }

            using var request = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.Value.ClientId,
                ["client_secret"] = options.Value.ClientSecret,
                ["scope"] = "eventbooking.internal",
            });
            using var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.PostAsync("/connect/token", request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new InvalidOperationException("users-api returned an empty token response.");
            var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 1));
            var margin = lifetime > RefreshMargin * 2 ? RefreshMargin : lifetime / 2;
            _current = (token.AccessToken, time.GetUtcNow() + lifetime - margin);
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _current = null;

    public void Dispose() => _gate.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>Puts the service token on calls to other services; on a 401 it fetches a fresh token once.</summary>
public sealed class ServiceTokenHandler(ServiceTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            tokens.Invalidate();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
            response = await base.SendAsync(request, cancellationToken);
        }

        return response;
    }
}
