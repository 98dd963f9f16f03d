using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace Load.Bench;

/// <summary>A signed-in attendee: the token the virtual users send (several virtual users share one account).</summary>
public sealed record Shopper(string Email, string Token);

/// <summary>What one call returned: ok, or the kind of failure (status code + the problem's code, or exception type).</summary>
public readonly record struct Outcome(bool Ok, string? Error, JsonElement Body)
{
    public bool SoldOut => Error is not null && Error.Contains("sold-out", StringComparison.Ordinal);
}

/// <summary>
/// The public HTTP APIs the way a browser's backend calls them: users-api, events-api, bookings-api. The setup (sign-in,
/// events) goes through EventBooking.Testing's client library; the measured journey sends its own requests, with the
/// library's <see cref="RetryPolicy"/> for a buyer who waits out a 503.
/// </summary>
public sealed class Shop(SystemUnderTest system) : IDisposable
{
    private const string Password = "Load-Bench-Pass-42!";
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>A buyer holding seats, or in the closed model: waits out a 503 as its Retry-After says, up to 30 s.</summary>
    private static readonly RetryPolicy Patient = new(TimeSpan.FromSeconds(30));

    /// <summary>The virtual users' connection pool (the measured journey).</summary>
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private readonly Uri _users = Direct(system, ResourceNames.UsersApi);
    private readonly Uri _events = Direct(system, ResourceNames.EventsApi);
    private readonly Uri _bookings = Direct(system, ResourceNames.BookingsApi);

    public Uri EventsBase => _events;

    /// <summary>
    /// Where the service's one replica listens itself, not the orchestrator's development proxy in front of it: the virtual
    /// users (and wrk) reach the service without an extra hop that no deployment has (with several replicas: the proxy).
    /// </summary>
    private static Uri Direct(SystemUnderTest system, string service) =>
        system.ReplicaUrls(service) is [var only] ? only : system.UrlOf(service);

    // ------------------------------------------------------------ setup (not measured)

    /// <summary>A bookings-api client for the setup (webhook endpoints), signed in with <paramref name="token"/>.</summary>
    public HttpClient BookingsClient(string token) => Client(_bookings, token);

    /// <summary>An events-api client for the setup (venue plans, seating), signed in with <paramref name="token"/>.</summary>
    public HttpClient EventsClient(string token) => Client(_events, token);

    /// <summary>A client of one service for the setup, signed in with <paramref name="token"/>.</summary>
    private static HttpClient Client(Uri baseAddress, string? token = null) =>
        new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) }.SignedIn(token);

    public async Task<string> LoginAsync(string email, string password)
    {
        using var users = Client(_users);
        return (await users.LoginAsync(email, password)).AccessToken;
    }

    /// <summary>Registers <paramref name="count"/> buyers, their addresses marked verified by the admin (<paramref name="adminToken"/>) so they may book.</summary>
    public async Task<IReadOnlyList<Shopper>> RegisterShoppersAsync(int count, string tag, string adminToken)
    {
        var shoppers = new Shopper[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            shoppers[i] = await RegisterShopperAsync($"load-{tag}-{i}@bench.example", adminToken));
        return shoppers;
    }

    /// <summary>Registers one buyer at <paramref name="email"/>, verified by the admin, signed in.</summary>
    public async Task<Shopper> RegisterShopperAsync(string email, string adminToken)
    {
        using var users = Client(_users);
        var account = await users.RegisterAsync("attendee", email: email, password: Password, displayName: email.Split('@')[0], verifiedBy: adminToken);
        return new Shopper(account.Email, account.AccessToken);
    }

    /// <summary>Signs every shopper in again (access tokens live 10 minutes; a full run is longer).</summary>
    public async Task<IReadOnlyList<Shopper>> RefreshAsync(IReadOnlyList<Shopper> shoppers)
    {
        var fresh = new Shopper[shoppers.Count];
        await Parallel.ForAsync(0, shoppers.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            fresh[i] = shoppers[i] with { Token = await LoginAsync(shoppers[i].Email, Password) });
        return fresh;
    }

    public async Task<Guid> CreatePublishedEventAsync(string organizerToken, string title, int capacity, decimal price, string city)
    {
        using var events = Client(_events, organizerToken);
        return await events.CreatePublishedEventAsync(new NewEvent
        {
            Title = title,
            Description = "A load-test event.",
            Venue = "Bench Arena",
            City = city,
            Capacity = capacity,
            Price = price,
        });
    }

    /// <summary>Sets an event's waiting room as its organizer (see docs/contracts.md "Waiting room").</summary>
    public async Task ConfigureWaitingRoomAsync(string organizerToken, Guid eventId, object settings)
    {
        using var events = Client(_events, organizerToken);
        using var answer = await events.PutAsJsonAsync($"/api/events/{eventId}/queue", settings);
        answer.EnsureSuccessStatusCode();
    }

    /// <summary>An event's line: its length and how many were admitted so far.</summary>
    public async Task<(long Waiting, long Admitted)> WaitingRoomAsync(Guid eventId)
    {
        using var events = Client(_events);
        var room = await events.GetFromJsonAsync<JsonElement>($"/api/events/{eventId}/queue");
        return (room.GetProperty("waiting").GetInt64(), room.GetProperty("admitted").GetInt64());
    }

    // ------------------------------------------------------------ the journey (measured)

    /// <summary>Takes the buyer's place in the event's line.</summary>
    public Task<Outcome> JoinLineAsync(Shopper shopper, Guid eventId) =>
        SendAsync(HttpMethod.Post, new Uri(_events, $"/api/events/{eventId}/queue"), null, shopper.Token);

    /// <summary>The buyer's place in the line (what the line page asks every few seconds).</summary>
    public Task<Outcome> MyPlaceAsync(Shopper shopper, Guid eventId) =>
        SendAsync(HttpMethod.Get, new Uri(_events, $"/api/events/{eventId}/queue/me"), null, shopper.Token);

    public Task<Outcome> BrowseAsync(int page) =>
        SendAsync(HttpMethod.Get, new Uri(_events, $"/api/events?page={page.ToString(CultureInfo.InvariantCulture)}&pageSize=20"), null, null);

    public Task<Outcome> DetailAsync(Guid eventId) => SendAsync(HttpMethod.Get, new Uri(_events, $"/api/events/{eventId}"), null, null);

    /// <summary>
    /// One booking attempt. With <paramref name="patient"/> (a buyer in the closed model) a 503 (bookings-api shedding load)
    /// is waited out as its Retry-After says and the same request (same Idempotency-Key) sent again, up to 30 s; otherwise
    /// (the open model's arrivals) a 503 is the answer, counted as refused.
    /// </summary>
    public Task<Outcome> BookAsync(Shopper shopper, Guid eventId, bool patient) =>
        SendAsync(HttpMethod.Post, new Uri(_bookings, "/api/bookings"), new { eventId, quantity = 1 }, shopper.Token, Guid.NewGuid().ToString("N"),
            retry: patient ? Patient : RetryPolicy.Never);

    /// <summary>A seated event's seat map as a picker polls it: <c>{version, unavailable: [seat ids], areas}</c> (docs/seating.md).</summary>
    public Task<Outcome> SeatMapAsync(Guid eventId) =>
        SendAsync(HttpMethod.Get, new Uri(_events, $"/api/events/{eventId}/seating/availability"), null, null);

    /// <summary>
    /// One booking attempt of one line on a seated event (<c>{ticketTypeId, seatIds}</c> or <c>{ticketTypeId, quantity,
    /// bestAvailable}</c>), a buyer in the closed model: a 503 is waited out as in <see cref="BookAsync"/>.
    /// </summary>
    public Task<Outcome> BookSeatsAsync(Shopper shopper, Guid eventId, object line) =>
        SendAsync(HttpMethod.Post, new Uri(_bookings, "/api/bookings"), new { eventId, lines = new[] { line } }, shopper.Token, Guid.NewGuid().ToString("N"),
            retry: Patient);

    /// <summary>Pays a held booking: a buyer holding seats retries a 503 with the same Idempotency-Key (up to 30 s).</summary>
    public Task<Outcome> PayAsync(Shopper shopper, Guid bookingId) =>
        SendAsync(HttpMethod.Post, new Uri(_bookings, $"/api/bookings/{bookingId}/payments"), new { paymentMethod = "4242424242424242" },
            shopper.Token, Guid.NewGuid().ToString("N"), expect: HttpStatusCode.Created, retry: Patient);

    private async Task<Outcome> SendAsync(HttpMethod method, Uri uri, object? body, string? token, string? idempotencyKey = null,
        HttpStatusCode? expect = null, RetryPolicy? retry = null)
    {
        try
        {
            using var response = await (retry ?? RetryPolicy.Never).SendAsync(_http, () => Request(method, uri, body, token, idempotencyKey));
            var text = await response.Content.ReadAsStringAsync();
            var parsed = text.Length > 0 && text[0] is '{' or '[' ? JsonDocument.Parse(text).RootElement.Clone() : default;
            if (response.IsSuccessStatusCode && (expect is null || response.StatusCode == expect))
            {
                return new Outcome(true, null, parsed);
            }

            var code = Answers.CodeOf(parsed);
            return new Outcome(false, $"HTTP {(int)response.StatusCode}{(code is null ? "" : " " + code)}", parsed);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            return new Outcome(false, ex.GetType().Name, default);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, object? body, string? token, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Times one call into the recorder under its step name.</summary>
    public static async Task<Outcome> StepAsync(Recorder recorder, string step, Func<Task<Outcome>> call, long? startedAt = null)
    {
        var start = startedAt ?? Stopwatch.GetTimestamp();
        var outcome = await call();
        recorder.Record(step, start, outcome.Error);
        return outcome;
    }
}
