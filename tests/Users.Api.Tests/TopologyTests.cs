using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Users.Api.Apis;
using Users.Api.Infrastructure;
using Xunit;

namespace Users.Api.Tests;

/// <summary>users-api as its own process, started from the AppHost exactly as `dotnet run` starts it.</summary>
public sealed class UsersTopology() : TopologyFixture([ResourceNames.UsersApi], seedDemoData: true);

public sealed class TopologyTests(UsersTopology topology) : IClassFixture<UsersTopology>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartsUnderTheAppHostWithDemoAccountsAndServiceIdentities()
    {
        using var client = topology.CreateClient(ResourceNames.UsersApi);
        Assert.Equal("Healthy", await client.GetStringAsync("/health", Cancel));
        using var discovery = JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration", Cancel));
        Assert.Equal(IdentityClaims.DefaultIssuer, discovery.RootElement.GetProperty("issuer").GetString());

        using var login = await client.PostAsJsonAsync("/api/users/login", new { email = DemoData.OrganizerEmail, password = DemoData.Password }, Cancel);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.Content.ReadFromJsonAsync<TokenResponse>(Cancel);
        Assert.Equal(DemoData.OrganizerId, tokens!.UserId);

        // Each calling service gets a service identity with the secret the host generated for it.
        string[] clients = [ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi, ResourceNames.Web];
        foreach (var name in clients)
        {
            var secret = await topology.System.ClientSecretAsync(name, Cancel);
            using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = name, ["client_secret"] = secret, ["scope"] = IdentityClaims.InternalScope,
            }), Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode}");
            using var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/internal/users/{DemoData.AttendeeId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("access_token").GetString());
            using var contact = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.OK, contact.StatusCode);
            Assert.Equal(DemoData.AttendeeEmail, (await contact.Content.ReadFromJsonAsync<UserContact>(Cancel))!.Email);
        }
    }
}
