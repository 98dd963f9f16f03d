using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using StackExchange.Redis;
using Xunit;

namespace EventBooking.SystemTests;

/// <summary>
/// The waiting room (issue 20) on the whole system with two replicas of every API: buyers admitted in order of arrival, no
/// booking of a queued event without a valid pass, passes that cannot be forged, replayed, moved or used late, and a line that
/// survives kill -9 of the replica admitting it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WaitingRoomTests(SystemFixture fixture)
{
    /// <summary>Buyers of the big sale; <c>WAITING_ROOM_BUYERS</c> runs it with fewer (each is a registered, verified account).</summary>
    private static int Buyers => int.TryParse(Environment.GetEnvironmentVariable("WAITING_ROOM_BUYERS"), CultureInfo.InvariantCulture, out var n) ? n : 1000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task A_queued_sale_admits_every_buyer_once_in_arrival_order_through_kill_9_of_the_admitting_replica()
    {
        var clock = Stopwatch.StartNew();
        const int seats = 100;
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = seats });
        // 1,200 a minute: the line of 1,000 takes ~50 s to admit, long enough to kill the admitter in the middle of it.
        await ConfigureAsync(eventId, new { enabled = true, admissionsPerMinute = 1200, passLifetimeSeconds = 3600 });

        var accounts = new ConcurrentBag<Account>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Buyers), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (_, _) => accounts.Add(await fixture.RegisterAsync()));
        var buyers = accounts.ToArray();
        Log($"{buyers.Length} accounts registered in {clock.Elapsed.TotalSeconds:0.0} s");

        // Everyone joins at once, in a random order of requests, through both replicas; the room numbers them as they arrive.
        Random.Shared.Shuffle(buyers);
        var arrivals = new ConcurrentDictionary<Guid, long>();
        var joinStarted = clock.Elapsed;
        var fault = KillTheAdmitterMidSaleAsync(eventId, buyers.Length);
        await Parallel.ForEachAsync(buyers.Select((b, i) => (b, i)), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = Ct },
            async (item, ct) =>
            {
                using var events = fixture.CreateClient(ResourceNames.EventsApi, item.b.AccessToken, item.i % 2);
                using var joined = await fixture.Retry.SendAsync(c => events.PostAsync($"/api/events/{eventId}/queue", null, c), ct);
                // 201 for the new place; 200 only when a retry (the first answer lost to the killed replica) finds the place it made.
                var place = await joined.ReadJsonAsync(joined.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created, ct);
                arrivals[item.b.UserId] = place.GetProperty("arrival").GetInt64();
            });
        Log($"{arrivals.Count} joined in {(clock.Elapsed - joinStarted).TotalSeconds:0.0} s");
        Assert.Equal(buyers.Length, arrivals.Values.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, buyers.Length).Select(i => (long)i), arrivals.Values.Order());

        var killed = await fault;
        try
        {
            await Poll.UntilAsync(async () => (await RoomAsync(eventId)).GetProperty("admitted").GetInt64() >= buyers.Length,
                TimeSpan.FromMinutes(5), "every buyer is admitted", Ct);
            var room = await RoomAsync(eventId);
            Assert.Equal(buyers.Length, room.GetProperty("admitted").GetInt64());
            Assert.Equal(0, room.GetProperty("waiting").GetInt64());
            Log($"all admitted {clock.Elapsed.TotalSeconds:0.0} s after the start; the admitter (pid {killed}) was killed at a third");

            // Admission order is arrival order, each buyer admitted once: admission numbers 1..N in the order of the arrival numbers.
            var admissions = new ConcurrentDictionary<Guid, (long Number, string Pass)>();
            await Parallel.ForEachAsync(buyers.Select((b, i) => (b, i)), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = Ct },
                async (item, ct) =>
                {
                    var place = await MyPlaceAsync(eventId, item.b.AccessToken, item.i);
                    Assert.Equal("Admitted", place.GetProperty("status").GetString());
                    admissions[item.b.UserId] = (place.GetProperty("admissionNumber").GetInt64(), place.GetProperty("pass").GetString()!);
                });
            var inArrivalOrder = arrivals.OrderBy(a => a.Value).Select(a => admissions[a.Key].Number).ToList();
            Assert.Equal(Enumerable.Range(1, buyers.Length).Select(i => (long)i), inArrivalOrder);

            // Without a pass no booking of the queued event succeeds; with it the seats sell, never more than there are.
            var refused = 0;
            var sold = 0;
            var soldOut = 0;
            await Parallel.ForEachAsync(buyers.Select((b, i) => (b, i)), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct },
                async (item, ct) =>
                {
                    using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, item.b.AccessToken, item.i);
                    using (var without = await fixture.Retry.SendAsync(bookings, () => Shopping.BookingRequest(new { eventId, quantity = 1 }, Guid.NewGuid().ToString()), ct))
                    {
                        var problem = await without.ReadJsonAsync(HttpStatusCode.Forbidden, ct);
                        Assert.Equal("queue-pass-required", Answers.CodeOf(problem));
                        Interlocked.Increment(ref refused);
                    }

                    using var with = await fixture.Retry.SendAsync(bookings,
                        () => Shopping.BookingRequest(new { eventId, quantity = 1, queuePass = admissions[item.b.UserId].Pass }, Guid.NewGuid().ToString()), ct);
                    if (with.StatusCode == HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref sold);
                    }
                    else
                    {
                        Assert.Equal("sold-out", Answers.CodeOf(await with.ReadJsonAsync(HttpStatusCode.Conflict, ct)));
                        Interlocked.Increment(ref soldOut);
                    }
                });
            Log($"bookings without a pass refused {refused}, with a pass {sold} created and {soldOut} sold out; {clock.Elapsed.TotalSeconds:0.0} s in all");
            Assert.Equal(buyers.Length, refused);
            Assert.Equal(seats, sold);
            Assert.Equal(buyers.Length - seats, soldOut);
            using var events = fixture.CreateClient(ResourceNames.EventsApi);
            var availability = await events.AvailabilityAsync(eventId, fixture.Retry, Ct);
            Assert.Equal(seats, availability.Held + availability.Sold);
        }
        finally
        {
            await Poll.UntilAsync(() => fixture.System.Instances(ResourceNames.EventsApi).Any(i => i.State is "Exited" or "Finished" or "FailedToStart"),
                TimeSpan.FromMinutes(1), "the killed replica is seen stopped", Ct);
            await fixture.System.StartAsync(ResourceNames.EventsApi, TimeSpan.FromMinutes(3), Ct);
        }
    }

    /// <summary>Once a third of the line is admitted: kill -9 of the process holding the admitter's lease. Its process id.</summary>
    private async Task<int> KillTheAdmitterMidSaleAsync(Guid eventId, int buyers)
    {
        await Poll.UntilAsync(async () => (await RoomAsync(eventId)).GetProperty("admitted").GetInt64() >= buyers / 3,
            TimeSpan.FromMinutes(10), "a third of the line is admitted", Ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.System.ConnectionStringAsync(ResourceNames.Cache, Ct));
        var holder = (string)(await redis.GetDatabase().StringGetAsync("rooms:admitter"))!;
        var pid = int.Parse(holder[..holder.IndexOf('@')], CultureInfo.InvariantCulture);
        var before = (await RoomAsync(eventId)).GetProperty("admitted").GetInt64();
        ProcessTree.Kill(pid);
        fixture.Figures.AddFault();
        Log($"killed the admitter {holder} with {before} of {buyers} admitted");
        return pid;
    }

    [Fact]
    public async Task A_forged_expired_replayed_moved_or_forfeited_pass_is_refused()
    {
        var organizer = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        var queued = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 10 });
        var other = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 10 });
        await ConfigureAsync(queued, new { enabled = true, admissionsPerMinute = 600, passLifetimeSeconds = 3600 });
        await ConfigureAsync(other, new { enabled = true, admissionsPerMinute = 600, passLifetimeSeconds = 10 });
        var a = await fixture.RegisterAsync();
        var b = await fixture.RegisterAsync();

        var passA = await AdmittedPassAsync(queued, a);
        var passB = await AdmittedPassAsync(queued, b);
        var shortPass = await AdmittedPassAsync(other, a);

        await RefusedAsync(a, queued, null, "queue-pass-required");
        // Forged: a changed signature; a pass re-addressed to B under A's signature.
        await RefusedAsync(a, queued, passA[..^2] + (passA[^2] == 'A' ? "BB" : "AA"), "queue-pass-invalid");
        await RefusedAsync(b, queued, passA.Replace(a.UserId.ToString("N"), b.UserId.ToString("N"), StringComparison.Ordinal), "queue-pass-invalid");
        await RefusedAsync(a, queued, "qp1.not-a-pass", "queue-pass-invalid");
        // Another user's and another event's pass.
        await RefusedAsync(b, queued, passA, "queue-pass-invalid");
        await RefusedAsync(a, other, passA, "queue-pass-invalid");

        // None of that spent A's pass: it books once, and is refused as used after.
        using (var bookings = fixture.CreateClient(ResourceNames.BookingsApi, a.AccessToken))
        {
            using var booked = await fixture.Retry.SendAsync(bookings, () => Shopping.BookingRequest(new { eventId = queued, quantity = 1, queuePass = passA }, Guid.NewGuid().ToString()), Ct);
            await booked.ReadJsonAsync(HttpStatusCode.Created, Ct);
        }

        await RefusedAsync(a, queued, passA, "queue-pass-used");

        // B leaves: the unused pass is given up (its turn goes on) and no longer books.
        using (var events = fixture.CreateClient(ResourceNames.EventsApi, b.AccessToken))
        {
            using var left = await events.DeleteAsync($"/api/events/{queued}/queue/me", Ct);
            Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
            using var gone = await events.GetAsync($"/api/events/{queued}/queue/me", Ct);
            Assert.Equal("not-in-line", Answers.CodeOf(await gone.ReadJsonAsync(HttpStatusCode.NotFound, Ct)));
        }

        await RefusedAsync(b, queued, passB, "queue-pass-invalid");

        // Expired: the other event's 10-second pass, used after its expiry.
        var expiresAt = DateTimeOffset.Parse(ReadPart(shortPass), CultureInfo.InvariantCulture);
        await Task.Delay(expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1), Ct);
        await RefusedAsync(a, other, shortPass, "queue-pass-expired");

        var room = await RoomAsync(queued);
        Assert.Equal(1, room.GetProperty("used").GetInt64());
        Assert.Equal(600, room.GetProperty("admissionsPerMinute").GetInt32());
        organizer.Dispose();
    }

    [Fact]
    public async Task A_room_left_off_switches_itself_on_when_bookings_pass_its_threshold_and_then_asks_for_passes()
    {
        var eventId = await fixture.CreatePublishedEventAsync(new NewEvent { Capacity = 50 });
        // Off, but on by itself above 5 holds a minute (counted by both events-api replicas together).
        await ConfigureAsync(eventId, new { enabled = false, autoOnAbovePerMinute = 5 });
        var buyer = await fixture.RegisterAsync();
        using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, buyer.AccessToken);
        for (var i = 0; i < 6; i++)
        {
            using var booked = await fixture.Retry.SendAsync(bookings, () => Shopping.BookingRequest(new { eventId, quantity = 1 }, Guid.NewGuid().ToString()), Ct);
            await booked.ReadJsonAsync(HttpStatusCode.Created, Ct);
        }

        await Poll.UntilAsync(async () => (await RoomAsync(eventId)).GetProperty("enabled").GetBoolean(), TimeSpan.FromSeconds(30), "the room switches itself on", Ct);
        var room = await RoomAsync(eventId);
        Assert.Equal(5, room.GetProperty("autoOnAbovePerMinute").GetInt32());
        Assert.Equal(JsonValueKind.String, room.GetProperty("switchedOnAutomaticallyAt").ValueKind);

        // From now on a booking needs a pass (every replica reads the switch within a second).
        await Poll.UntilAsync(async () =>
        {
            using var answer = await bookings.SendAsync(Shopping.BookingRequest(new { eventId, quantity = 1 }, Guid.NewGuid().ToString()), Ct);
            return answer.StatusCode == HttpStatusCode.Forbidden && Answers.CodeOf(await answer.ReadJsonAsync(HttpStatusCode.Forbidden, Ct)) == "queue-pass-required";
        }, TimeSpan.FromSeconds(10), "a booking without a pass is refused", Ct);
        await RefusedAsync(buyer, eventId, null, "queue-pass-required");
        var pass = await AdmittedPassAsync(eventId, await fixture.RegisterAsync());
        Assert.False(string.IsNullOrEmpty(pass));
    }

    /// <summary>The expiry a pass carries (its 5th part, unix milliseconds), as an ISO date.</summary>
    private static string ReadPart(string pass) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(pass.Split('.')[4], CultureInfo.InvariantCulture)).ToString("O", CultureInfo.InvariantCulture);

    private async Task RefusedAsync(Account buyer, Guid eventId, string? pass, string code)
    {
        using var bookings = fixture.CreateClient(ResourceNames.BookingsApi, buyer.AccessToken);
        using var answer = await fixture.Retry.SendAsync(bookings, () => Shopping.BookingRequest(new { eventId, quantity = 1, queuePass = pass }, Guid.NewGuid().ToString()), Ct);
        var problem = await answer.ReadJsonAsync(HttpStatusCode.Forbidden, Ct);
        Assert.Equal(code, Answers.CodeOf(problem));
        Assert.Equal($"/api/events/{eventId}/queue", problem.GetProperty("queue").GetString());
    }

    private async Task<string> AdmittedPassAsync(Guid eventId, Account buyer)
    {
        using var events = fixture.CreateClient(ResourceNames.EventsApi, buyer.AccessToken);
        using (var joined = await fixture.Retry.SendAsync(c => events.PostAsync($"/api/events/{eventId}/queue", null, c), Ct))
        {
            await joined.ReadJsonAsync(HttpStatusCode.Created, Ct);
        }

        return (await Poll.ForAsync(async () =>
        {
            var place = await MyPlaceAsync(eventId, buyer.AccessToken, 0);
            return place.GetProperty("status").GetString() == "Admitted" ? place.GetProperty("pass").GetString() : null;
        }, TimeSpan.FromMinutes(1), "the buyer is admitted", Ct))!;
    }

    private async Task<JsonElement> MyPlaceAsync(Guid eventId, string token, int replica)
    {
        using var events = fixture.CreateClient(ResourceNames.EventsApi, token, replica);
        using var answer = await fixture.Retry.SendAsync(c => events.GetAsync($"/api/events/{eventId}/queue/me", c), Ct);
        return await answer.ReadJsonAsync(HttpStatusCode.OK, Ct);
    }

    private async Task<JsonElement> RoomAsync(Guid eventId)
    {
        using var events = fixture.CreateClient(ResourceNames.EventsApi);
        using var answer = await fixture.Retry.SendAsync(c => events.GetAsync($"/api/events/{eventId}/queue", c), Ct);
        return await answer.ReadJsonAsync(HttpStatusCode.OK, Ct);
    }

    private async Task ConfigureAsync(Guid eventId, object settings)
    {
        using var events = await fixture.AsAsync(ResourceNames.EventsApi, "organizer");
        using var answer = await fixture.Retry.SendAsync(c => events.PutAsJsonAsync($"/api/events/{eventId}/queue", settings, c), Ct);
        await answer.ReadJsonAsync(HttpStatusCode.OK, Ct);
    }
}
