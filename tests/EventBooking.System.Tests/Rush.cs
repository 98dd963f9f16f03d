using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Xunit;

namespace EventBooking.SystemTests;

public sealed record RushPlan(int Attempts, int Clients, int Buyers, int Capacity)
{
    /// <summary>Every n-th attempt is also sent a second time, concurrently, with the same Idempotency-Key.</summary>
    public int DuplicateEvery { get; init; } = 7;

    /// <summary>Runs once, when a third of the attempts have started (fault injection).</summary>
    public Func<Task>? Fault { get; init; }
}

/// <summary>What a rush did and saw.</summary>
public sealed class RushResult
{
    internal int Attempts;
    internal int Requests;
    internal int Retries;
    internal int DuplicateSends;
    internal int SoldOut;
    internal int Payments;
    internal int Samples;
    internal int SampleErrors;
    internal int MaxCommitted;
    internal TimeSpan Duration;
    internal readonly ConcurrentBag<string> Violations = [];
    internal readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> BookingsByKey = new();
    internal readonly ConcurrentDictionary<string, int> UnexpectedStatuses = new();

    public int Created => BookingsByKey.Count(kv => !kv.Value.IsEmpty);
    public int KeysWithSeveralBookings => BookingsByKey.Count(kv => kv.Value.Count > 1);
    public IEnumerable<Guid> BookingIds => BookingsByKey.Values.SelectMany(v => v.Keys).Distinct();

    public override string ToString() =>
        $"attempts {Attempts}, HTTP requests {Requests}, retries {Retries}, duplicate sends {DuplicateSends}, created {Created}, sold out {SoldOut}, " +
        $"payments {Payments}, samples {Samples} (errors {SampleErrors}), max sold+held {MaxCommitted}, I1 violations {Violations.Count}, " +
        $"keys with several bookings {KeysWithSeveralBookings}, unexpected {string.Join(",", UnexpectedStatuses.Select(kv => $"{kv.Key}×{kv.Value}"))}, {Duration.TotalSeconds:0.0} s";
}

/// <summary>
/// Many buyers racing for the seats of one event: concurrent clients book (quantity 1) and pay, retrying 5xx answers and
/// timeouts with the same Idempotency-Key (<see cref="RetryPolicy"/>, for up to 3 minutes) and sending some requests twice on
/// purpose, while a sampler reads the availability every 50 ms and checks sold + held ≤ capacity (I1) at every sample. A 409
/// counts as sold out only when its code says so.
/// </summary>
public static class Rush
{
    public static async Task<(Guid EventId, RushResult Result)> RunAsync(SystemTopology fixture, RushPlan plan)
    {
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = plan.Capacity, Price = 15m });
        var buyers = await Task.WhenAll(Enumerable.Range(0, plan.Buyers).Select(_ => fixture.RegisterAsync()));
        var result = new RushResult();
        var retry = new RetryPolicy(TimeSpan.FromMinutes(3), whileRestarting: true, onRetry: () => Interlocked.Increment(ref result.Retries));
        var clients = Enumerable.Range(0, plan.Clients)
            .Select(i => fixture.CreateClient(ResourceNames.BookingsApi, buyers[i % buyers.Length].AccessToken, replica: i))
            .ToArray();
        foreach (var client in clients)
        {
            client.Timeout = TimeSpan.FromSeconds(20);
        }

        using var stop = new CancellationTokenSource();
        var sampler = SampleAsync(fixture, eventId, plan.Capacity, result, stop.Token);
        var next = -1;
        var faultAt = plan.Attempts / 3;
        Task fault = Task.CompletedTask;
        var stopwatch = Stopwatch.StartNew();

        await Task.WhenAll(clients.Select(async client =>
        {
            while (true)
            {
                var attempt = Interlocked.Increment(ref next);
                if (attempt >= plan.Attempts)
                {
                    return;
                }

                if (attempt == faultAt && plan.Fault is not null)
                {
                    fault = Task.Run(plan.Fault);
                }

                Interlocked.Increment(ref result.Attempts);
                await AttemptAsync(client, retry, eventId, Guid.NewGuid().ToString(), duplicate: attempt % plan.DuplicateEvery == 0, result);
            }
        }));
        await fault;
        result.Duration = stopwatch.Elapsed;
        await stop.CancelAsync();
        await sampler;
        foreach (var client in clients)
        {
            client.Dispose();
        }

        fixture.Figures.AddOperations(result.Requests + result.Samples);
        TestContext.Current.TestOutputHelper?.WriteLine($"rush {eventId}: {plan.Attempts} attempts by {plan.Clients} clients ({plan.Buyers} accounts) for {plan.Capacity} seats: {result}");
        return (eventId, result);
    }

    private static async Task AttemptAsync(HttpClient client, RetryPolicy retry, Guid eventId, string key, bool duplicate, RushResult result)
    {
        var sends = duplicate ? 2 : 1;
        if (duplicate)
        {
            Interlocked.Increment(ref result.DuplicateSends);
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, sends).Select(_ => SendAsync(client, retry, () => Shopping.BookingRequest(eventId, 1, key), result)));
        Guid? bookingId = null;
        foreach (var (status, body) in answers)
        {
            if (status == HttpStatusCode.Created)
            {
                var id = body!.Value.GetProperty("id").GetGuid();
                result.BookingsByKey.GetOrAdd(key, _ => new()).TryAdd(id, 0);
                bookingId = id;
            }
            else if (status == HttpStatusCode.Conflict && Answers.CodeOf(body ?? default) == "sold-out")
            {
                Interlocked.Increment(ref result.SoldOut);
            }
            else
            {
                result.UnexpectedStatuses.AddOrUpdate($"book:{(int)status} {Answers.CodeOf(body ?? default)}".TrimEnd(), 1, (_, n) => n + 1);
            }
        }

        if (bookingId is not { } booking)
        {
            return;
        }

        // Pay at once; the payment too is retried with its own key (and sometimes sent twice).
        var paymentKey = Guid.NewGuid().ToString();
        var payments = await Task.WhenAll(Enumerable.Range(0, sends).Select(_ => SendAsync(client, retry, () => Shopping.PaymentRequest(booking, paymentKey), result)));
        foreach (var (status, _) in payments)
        {
            if (status is HttpStatusCode.Created or HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref result.Payments);
            }
            else if (!(duplicate && status == HttpStatusCode.Conflict))
            {
                result.UnexpectedStatuses.AddOrUpdate($"pay:{(int)status}", 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>Sends one logical request, retrying 5xx answers, timeouts and refused connections with the same request (and key).</summary>
    private static async Task<(HttpStatusCode Status, JsonElement? Body)> SendAsync(HttpClient client, RetryPolicy retry, Func<HttpRequestMessage> request, RushResult result)
    {
        using var response = await retry.SendAsync(client, () =>
        {
            Interlocked.Increment(ref result.Requests);
            return request();
        });
        var body = response.Content.Headers.ContentLength != 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
            ? await response.Content.ReadFromJsonAsync<JsonElement>(JsonSerializerOptions.Web)
            : (JsonElement?)null;
        return (response.StatusCode, body);
    }

    private static async Task SampleAsync(SystemTopology fixture, Guid eventId, int capacity, RushResult result, CancellationToken stop)
    {
        var replicas = fixture.System.Instances(ResourceNames.EventsApi).Count;
        var clients = Enumerable.Range(0, replicas).Select(i => fixture.CreateClient(ResourceNames.EventsApi, replica: i)).ToArray();
        foreach (var client in clients)
        {
            client.Timeout = TimeSpan.FromSeconds(5);
        }

        var sample = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var a = await clients[sample++ % clients.Length].AvailabilityAsync(eventId, RetryPolicy.Never, stop);
                    Interlocked.Increment(ref result.Samples);
                    var committed = a.Sold + a.Held;
                    result.MaxCommitted = Math.Max(result.MaxCommitted, committed);
                    if (committed > capacity || a.Capacity != capacity || a.Available != capacity - committed || a.Held < 0 || a.Sold < 0)
                    {
                        result.Violations.Add($"{DateTimeOffset.UtcNow:O} {a}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or UnexpectedAnswerException)
                {
                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }

                    Interlocked.Increment(ref result.SampleErrors);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The rush is over.
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>The rush's own checks plus the quiescent invariants.</summary>
    public static async Task<Outcome> AssertAsync(SystemTopology fixture, Guid eventId, RushResult result, RushPlan plan)
    {
        Assert.Empty(result.Violations);
        Assert.True(result.Samples > 0, "the sampler read the availability");
        Assert.Empty(result.UnexpectedStatuses);
        Assert.Equal(0, result.KeysWithSeveralBookings);
        Assert.Equal(Math.Min(plan.Attempts, plan.Capacity), result.Created);

        // No booking exists that no client was answered with (no duplicate per key, none created behind a retry).
        await using (var bookings = await fixture.OpenDatabaseAsync(ResourceNames.BookingsDb))
        {
            var stored = await Invariants.QueryGuidsAsync(bookings, """SELECT "Id" FROM bookings WHERE "EventId" = $1""", eventId);
            Assert.Equal(result.BookingIds.Order(), stored.Order());
        }

        var outcome = await Invariants.HoldAsync(fixture, eventId);
        Assert.Equal(result.Created, outcome.ConfirmedBookings);
        Assert.True(outcome.ConfirmedTickets <= plan.Capacity);
        return outcome;
    }
}
