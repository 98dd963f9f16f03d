using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Notifications.Api.Clients;

/// <summary>The service identity of notifications-api (<c>Identity:ClientId</c> / <c>Identity:ClientSecret</c>).</summary>
public sealed class ServiceIdentityOptions
{
    public const string Section = "Identity";

    [System.ComponentModel.DataAnnotations.Required]
    public string ClientId { get; set; } = "notifications-api";

    public string? ClientSecret { get; set; }
}

/// <summary>
/// Gets and caches a client-credentials access token from users-api (<c>POST /connect/token</c>, docs/contracts.md),
/// renewing it shortly before it expires. A singleton: one token per process.
/// </summary>
public sealed class ServiceTokenClient(IHttpClientFactory httpClients, IOptions<ServiceIdentityOptions> options, TimeProvider time) : IDisposable
{
    public const string Scope = "eventbooking.internal";
    public const string HttpClientName = "users-api-token";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && time.GetUtcNow() < _renewAt)
        {
            return _token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is not null && time.GetUtcNow() < _renewAt)
            {
                return _token;
            }

            var identity = options.Value;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = identity.ClientId,
                ["client_secret"] = identity.ClientSecret ?? "",
                ["scope"] = Scope,
            });
            using var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), form, cancellationToken);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new InvalidOperationException("users-api returned an empty token response.");
            _token = token.AccessToken;
            _renewAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, token.ExpiresIn - 60));
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>Adds the service's bearer token to every request of the HttpClient it is attached to.</summary>
public sealed class ServiceTokenHandler(ServiceTokenClient tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
