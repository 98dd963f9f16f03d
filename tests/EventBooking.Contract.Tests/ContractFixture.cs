using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Contract.Tests;

/// <summary>A person with an account made for the test: what signs them in and who they are.</summary>
public sealed record Account(string Email, string Password, Guid Id, string AccessToken, string RefreshToken);

/// <summary>
/// The four APIs started from the AppHost (Aspire.Hosting.Testing, real PostgreSQL and RabbitMQ, demo data), the public and
/// internal OpenAPI documents each one serves, and the people and objects the conformance calls need.
/// </summary>
public sealed class ContractFixture() : TopologyFixture(Services, seedDemoData: true), IAsyncLifetime, IAsyncDisposable
{
    public const string Password = "Correct-Horse-42!";
    public const string GoodCard = "4242 4242 4242 4242";

    public static readonly string[] Services = [ResourceNames.UsersApi, ResourceNames.EventsApi, ResourceNames.BookingsApi, ResourceNames.NotificationsApi];
    public static readonly string[] DocumentNames = ["public", "internal"];

    private readonly SemaphoreSlim _worldGate = new(1, 1);
    private World? _world;

    public IReadOnlyList<ApiDocument> Documents { get; private set; } = [];

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override void Configure(Dictionary<string, string?> environment)
    {
        // The conformance run books, pays and checks codes far more often than a person: the per-user limits would answer 429 to the test itself.
        environment["Bookings__BookingRequestsPerMinute"] = "100000";
        environment["Bookings__PromoCodeChecksPerMinute"] = "100000";
    }

    public new async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var documents = new List<ApiDocument>();
        foreach (var service in Services)
        {
            using var client = CreateClient(service);
            foreach (var name in DocumentNames)
            {
                var text = await client.GetStringAsync($"/openapi/{name}.json");
                documents.Add(new ApiDocument(service, name, JsonNode.Parse(text)!.AsObject()));
            }
        }

        Documents = documents;
        Assert.True(documents.Sum(d => d.Operations.Count()) > 0, "The services serve no documented operation.");
    }

    /// <summary>The objects the valid calls act on, made once (the first caller waits).</summary>
    public async Task<World> WorldAsync()
    {
        await _worldGate.WaitAsync(Ct);
        try
        {
            return _world ??= await World.CreateAsync(this);
        }
        finally
        {
            _worldGate.Release();
        }
    }

    /// <summary>A token by name: "admin", "organizer" (demo accounts), "service" (bookings-api's identity), or an <see cref="Account"/>'s.</summary>
    public Task<string> TokenOfAsync(string who) => TokenAsync(who);

    public async Task<HttpResponseMessage> SendAsync(string service, string? token, string method, string pathAndQuery,
        string? body = null, string? contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null)
    {
        using var client = CreateClient(service);
        using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType) { CharSet = contentType.Contains("json", StringComparison.Ordinal) ? "utf-8" : null };
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, Ct);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }

    /// <summary>Sends and expects <paramref name="expected"/>; the JSON body.</summary>
    public async Task<JsonElement> ExpectAsync(int expected, string service, string? token, string method, string path, object? body = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var response = await SendAsync(service, token, method, path, body is null ? null : JsonSerializer.Serialize(body, JsonSerializerOptions.Web), headers: headers);
        var text = await response.Content.ReadAsStringAsync(Ct);
        if ((int)response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {path} on {service}: expected {expected}, got {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Registers a fresh attendee (or organizer) and signs them in; <paramref name="verified"/>: the demo admin marks the address
    /// verified first (the support path), so the account may book.
    /// </summary>
    public async Task<Account> NewAccountAsync(string accountType = "attendee", bool verified = true)
    {
        var email = $"contract-{accountType}-{Guid.NewGuid():N}@contract.test";
        await ExpectAsync(202, ResourceNames.UsersApi, null, "POST", "/api/users/register",
            new { email, password = Password, displayName = "Contract " + accountType, accountType });
        var account = await SignInAsync(email, Password);
        if (!verified)
        {
            return account;
        }

        await ExpectAsync(200, ResourceNames.UsersApi, await TokenOfAsync("admin"), "POST", $"/api/users/{account.Id}/verify-email");
        return await SignInAsync(email, Password);
    }

    public async Task<Account> SignInAsync(string email, string password)
    {
        var tokens = await ExpectAsync(200, ResourceNames.UsersApi, null, "POST", "/api/users/login", new { email, password });
        return new Account(email, password, tokens.GetProperty("userId").GetGuid(),
            tokens.GetProperty("accessToken").GetString()!, tokens.GetProperty("refreshToken").GetString()!);
    }

    public new async ValueTask DisposeAsync()
    {
        _worldGate.Dispose();
        await base.DisposeAsync();
    }
}
