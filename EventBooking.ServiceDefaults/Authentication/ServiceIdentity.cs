using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventBooking.ServiceDefaults;

/// <summary>A service's own identity (<c>Identity:ClientId</c>/<c>Identity:ClientSecret</c>, injected by both hosts).</summary>
public sealed class ServiceIdentityOptions
{
    public const string Section = "Identity";

    public string ClientId { get; set; } = "";
    public string? ClientSecret { get; set; }
}

/// <summary>
/// Gets the service's access token from users-api (OAuth2 client credentials at <c>POST /connect/token</c>,
/// docs/contracts.md) and keeps it until shortly before it expires. A singleton: one token per process.
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

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.Value.ClientId,
                ["client_secret"] = options.Value.ClientSecret ?? "",
                ["scope"] = IdentityClaims.InternalScope,
            });
            using var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), form, cancellationToken);
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

    /// <summary>Forgets the cached token (after a 401, e.g. when users-api rotated its keys).</summary>
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
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            tokens.Invalidate();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
            response = await base.SendAsync(request, cancellationToken);
        }

        return response;
    }
}

public static class ServiceIdentityExtensions
{
    /// <summary>
    /// Registers the service identity: options from <c>Identity</c> (validated at startup), the token provider
    /// (client credentials against users-api through service discovery) and <see cref="ServiceTokenHandler"/>.
    /// Attach it to a client with <see cref="WithServiceIdentity"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceIdentity(this IHostApplicationBuilder builder, string defaultClientId, bool requireSecret = true)
    {
        builder.Services.AddOptions<ServiceIdentityOptions>()
            .Configure(o => o.ClientId = defaultClientId)
            .BindConfiguration(ServiceIdentityOptions.Section)
            .Validate(o => o.ClientId.Length > 0, "Identity:ClientId is required.")
            .Validate(o => !requireSecret || !string.IsNullOrEmpty(o.ClientSecret), "Identity:ClientSecret is required.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(ServiceTokenProvider.HttpClientName, http => http.BaseAddress = new Uri("https+http://users-api"));
        builder.Services.AddSingleton<ServiceTokenProvider>();
        builder.Services.AddTransient<ServiceTokenHandler>();
        return builder;
    }

    /// <summary>Calls made with this client carry the service's own token (for other services' internal endpoints).</summary>
    public static IHttpClientBuilder WithServiceIdentity(this IHttpClientBuilder http) => http.AddHttpMessageHandler<ServiceTokenHandler>();
}
