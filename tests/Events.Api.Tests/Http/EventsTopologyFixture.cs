using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.LocalHost;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>
/// users-api and events-api as real processes (LocalHost topology: PostgreSQL, RabbitMQ), with the demo users seeded,
/// plus signed-in clients for each role and a service identity from <c>/connect/token</c>.
/// </summary>
public sealed class EventsTopologyFixture() : TopologyFixture([ResourceNames.UsersApi, ResourceNames.EventsApi], seedDemoData: true)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, string> _tokens = [];

    protected override void Configure(Dictionary<string, string?> environment)
    {
        environment["Inventory__SweepInterval"] = "00:00:00.200";
    }

    public HttpClient Anonymous() => CreateClient(ResourceNames.EventsApi);

    public async Task<HttpClient> AsAsync(string who)
    {
        var client = CreateClient(ResourceNames.EventsApi);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(who));
        return client;
    }

    /// <summary>"admin", "attendee", "organizer-a", "organizer-b", "service".</summary>
    public async Task<string> TokenAsync(string who)
    {
        await _gate.WaitAsync();
        try
        {
            if (_tokens.TryGetValue(who, out var cached))
            {
                return cached;
            }

            var token = who switch
            {
                "admin" => await LoginAsync(DemoData.AdminEmail, DemoData.Password),
                "attendee" => await LoginAsync(DemoData.AttendeeEmail, DemoData.Password),
                "organizer-a" => await LoginAsync(DemoData.OrganizerEmail, DemoData.Password),
                "organizer-b" => await RegisterAndLoginAsync("organizer"),
                "attendee-2" => await RegisterAndLoginAsync("attendee"),
                "service" => await ServiceTokenAsync(),
                _ => throw new ArgumentOutOfRangeException(nameof(who)),
            };
            _tokens[who] = token;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> LoginAsync(string email, string password)
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        var response = await users.PostAsJsonAsync("/api/users/login", new { email, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accessToken").GetString()!;
    }

    private async Task<string> RegisterAndLoginAsync(string accountType)
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        var email = $"{accountType}-{Guid.NewGuid():N}@test.example";
        const string password = "Correct-Horse-42!";
        var response = await users.PostAsJsonAsync("/api/users/register", new { email, password, displayName = $"Test {accountType}", accountType });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await LoginAsync(email, password);
    }

    private async Task<string> ServiceTokenAsync()
    {
        using var users = CreateClient(ResourceNames.UsersApi);
        var response = await users.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ResourceNames.BookingsApi,
            ["client_secret"] = Topology.ClientSecrets[ResourceNames.BookingsApi],
            ["scope"] = "eventbooking.internal",
        }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }
}
