using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EventBooking.AppHost;

namespace EventBooking.Security.Tests;

/// <summary>OWASP API4/API6 (brute force, automated abuse) and account enumeration (API2).</summary>
public sealed class RateLimitAndEnumerationTests(SecurityFixture fixture)
{
    [Fact]
    public async Task Login_brute_force_from_one_address_hits_429_while_other_addresses_are_unaffected()
    {
        var victim = await fixture.NewUserAsync("attendee", "brute-victim");
        using var attacker = fixture.Client(ResourceNames.UsersApi);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            using var response = await attacker.PostJsonAsync("/api/users/login", new { email = victim.Email, password = $"Guess-{i}-password!" });
            Hostile.Count("brute-force attempts");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 must say when to retry");
                break;
            }

            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.InRange(statuses.Count, 2, 11); // the production limit is 10 a minute per address

        // Even the right password is refused from that address now.
        using (var right = await attacker.PostJsonAsync("/api/users/login", new { email = victim.Email, password = victim.Password }))
        {
            Hostile.Count("brute-force attempts");
            await ProblemAssert.IsProblemAsync(right, HttpStatusCode.TooManyRequests);
        }

        // Another address is not limited (the account itself is locked after 5 wrong passwords: 401, not 429).
        using var other = fixture.Client(ResourceNames.UsersApi);
        using var fresh = await other.PostJsonAsync("/api/users/login", new { email = $"nobody-{Guid.NewGuid():N}@security.test", password = "Wrong-Password-1!" });
        await ProblemAssert.IsProblemAsync(fresh, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_forged_X_Forwarded_For_buys_a_brute_forcer_no_extra_attempts()
    {
        var victim = await fixture.NewUserAsync("attendee", "forged-victim");
        using var attacker = fixture.Client(ResourceNames.UsersApi);
        var refusedAt = 0;
        for (var i = 1; i <= 15 && refusedAt == 0; i++)
        {
            // Only the web, with the secret the AppHost gave it, is believed; anyone else is counted at their own address.
            attacker.DefaultRequestHeaders.Remove("X-Forwarded-For");
            attacker.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            using var response = await attacker.PostJsonAsync("/api/users/login", new { email = victim.Email, password = $"Guess-{i}-password!" });
            Hostile.Count("brute-force attempts");
            refusedAt = response.StatusCode == HttpStatusCode.TooManyRequests ? i : 0;
        }

        Assert.InRange(refusedAt, 2, 11); // the production limit is 10 a minute per address
    }

    [Fact]
    public async Task Sign_ins_the_web_forwards_count_per_person_so_one_flood_does_not_lock_out_the_rest()
    {
        // What the web's ClientAddressHandler sends: the browser's address and the AppHost's forwarding secret.
        var secret = await fixture.System.ParameterAsync(TrustedForwarder.SecretParameterName, Requests.Ct);
        var web = SecurityFixture.NextSource();
        using var flooder = fixture.Client(ResourceNames.UsersApi, source: web);
        flooder.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.200");
        flooder.DefaultRequestHeaders.Add(TrustedForwarding.SecretHeader, secret);
        var refused = false;
        for (var i = 0; i < 15 && !refused; i++)
        {
            using var response = await flooder.PostJsonAsync("/api/users/login", new { email = $"nobody-{Guid.NewGuid():N}@security.test", password = "Wrong-Password-1!" });
            Hostile.Count("brute-force attempts");
            refused = response.StatusCode == HttpStatusCode.TooManyRequests;
        }

        Assert.True(refused, "one person's sign-in flood through the web is limited");

        // Someone else signing in through the same web (same connection address) is heard.
        using var bystander = fixture.Client(ResourceNames.UsersApi, source: web);
        bystander.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.200");
        bystander.DefaultRequestHeaders.Add(TrustedForwarding.SecretHeader, secret);
        using var heard = await bystander.PostJsonAsync("/api/users/login", new { email = $"nobody-{Guid.NewGuid():N}@security.test", password = "Wrong-Password-1!" });
        await ProblemAssert.IsProblemAsync(heard, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Registration_flood_from_one_address_hits_429_and_creates_nothing_past_the_limit()
    {
        using var flooder = fixture.Client(ResourceNames.UsersApi);
        var refused = new List<string>();
        var accepted = 0;
        for (var i = 0; i < 15 && refused.Count == 0; i++)
        {
            var email = $"flood-{i}-{Guid.NewGuid():N}@security.test";
            using var response = await flooder.PostJsonAsync("/api/users/register", new { email, password = SecurityFixture.Password, displayName = "Flood" });
            Hostile.Count("registration flood");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests);
                refused.Add(email);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                accepted++;
            }
        }

        Assert.Single(refused);
        Assert.InRange(accepted, 1, 10);
        using var check = fixture.Client(ResourceNames.UsersApi);
        using var login = await check.PostJsonAsync("/api/users/login", new { email = refused[0], password = SecurityFixture.Password });
        await ProblemAssert.IsProblemAsync(login, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Booking_request_flood_by_one_person_hits_429()
    {
        var attendee = await fixture.NewUserAsync("attendee", "booking-flood");
        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        var limited = false;
        for (var i = 0; i < 40 && !limited; i++)
        {
            using var response = await bookings.SendWithKeyAsync("/api/bookings", $$"""{"eventId":"{{Guid.NewGuid()}}","quantity":0}""");
            Hostile.Count("booking flood");
            limited = response.StatusCode == HttpStatusCode.TooManyRequests;
            await ProblemAssert.IsProblemAsync(response, limited ? HttpStatusCode.TooManyRequests : HttpStatusCode.BadRequest);
        }

        Assert.True(limited, "40 booking requests in a row should pass the per-person limit (30 a minute)");
    }

    [Fact]
    public async Task Login_says_the_same_for_an_unknown_email_and_a_wrong_password_in_about_the_same_time()
    {
        var known = await fixture.NewUserAsync("attendee", "enum-login");
        var unknownTimes = new List<double>();
        var wrongTimes = new List<double>();
        string? unknownShape = null, wrongShape = null;
        // Interleaved, each kind from its own address (10 sign-ins a minute per address); 4 wrong passwords stay below the lockout.
        using var unknownClient = fixture.Client(ResourceNames.UsersApi);
        using var wrongClient = fixture.Client(ResourceNames.UsersApi);
        for (var i = 0; i < 4; i++)
        {
            var (unknownStatus, unknownBody, unknownTime) = await TimeLoginAsync(unknownClient, $"nobody-{Guid.NewGuid():N}@security.test", "Wrong-Password-1!");
            var (wrongStatus, wrongBody, wrongTime) = await TimeLoginAsync(wrongClient, known.Email, "Wrong-Password-1!");
            Hostile.Count("enumeration probes", 2);
            Assert.Equal(HttpStatusCode.Unauthorized, unknownStatus);
            Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
            unknownShape ??= unknownBody;
            wrongShape ??= wrongBody;
            unknownTimes.Add(unknownTime);
            wrongTimes.Add(wrongTime);
        }

        Assert.Equal(unknownShape, wrongShape);
        AssertSimilar("login", unknownTimes, wrongTimes);
    }

    [Fact]
    public async Task Registering_a_taken_email_answers_exactly_like_a_new_one_and_changes_nothing()
    {
        var owner = await fixture.NewUserAsync("attendee", "enum-register");
        using var client = fixture.Client(ResourceNames.UsersApi);
        var newTimes = new List<double>();
        var takenTimes = new List<double>();
        string? newBody = null, takenBody = null;
        for (var i = 0; i < 4; i++)
        {
            var fresh = await TimeRegisterAsync(client, $"enum-new-{Guid.NewGuid():N}@security.test");
            var taken = await TimeRegisterAsync(client, i % 2 == 0 ? owner.Email : owner.Email.ToUpperInvariant());
            Hostile.Count("enumeration probes", 2);
            Assert.Equal(HttpStatusCode.Accepted, fresh.Status);
            Assert.Equal(HttpStatusCode.Accepted, taken.Status);
            Assert.Equal(fresh.Headers, taken.Headers);
            newBody ??= fresh.Body;
            takenBody ??= taken.Body;
            newTimes.Add(fresh.Milliseconds);
            takenTimes.Add(taken.Milliseconds);
        }

        Assert.Equal(newBody, takenBody);
        AssertSimilar("registration", newTimes, takenTimes);

        // The owner's account is as it was: the old password works, the attacker's does not, the name is unchanged.
        using var users = fixture.Client(ResourceNames.UsersApi);
        using (var attacker = await users.PostJsonAsync("/api/users/login", new { email = owner.Email, password = "Attacker-Pass-99!" }))
        {
            await ProblemAssert.IsProblemAsync(attacker, HttpStatusCode.Unauthorized);
        }

        var again = await fixture.LoginAsync("owner", owner.Email, owner.Password, SecurityFixture.NextSource());
        Assert.Equal(owner.Id, again.Id);
        using var me = fixture.As(again, ResourceNames.UsersApi);
        Assert.Equal("Test enum-register", (await me.GetJsonAsync("/api/users/me")).GetProperty("displayName").GetString());
    }

    private static async Task<(HttpStatusCode Status, string Body, double Milliseconds)> TimeLoginAsync(HttpClient client, string email, string password)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.PostJsonAsync("/api/users/login", new { email, password });
        var body = await response.Content.ReadAsStringAsync(Requests.Ct);
        watch.Stop();
        return (response.StatusCode, Shape(body), watch.Elapsed.TotalMilliseconds);
    }

    private static async Task<(HttpStatusCode Status, string Body, string Headers, double Milliseconds)> TimeRegisterAsync(HttpClient client, string email)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.PostJsonAsync("/api/users/register", new { email, password = "Attacker-Pass-99!", displayName = "Probe" });
        var body = await response.Content.ReadAsStringAsync(Requests.Ct);
        watch.Stop();
        var headers = string.Join(",", response.Headers.Select(h => h.Key).Where(k => k != "Date").Order(StringComparer.Ordinal))
            + ";" + response.Content.Headers.ContentType;
        return (response.StatusCode, body, headers, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>The body without per-request values (trace ids): its keys and every other value.</summary>
    private static string Shape(string body)
    {
        var element = JsonDocument.Parse(body).RootElement;
        return string.Join(",", element.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>
    /// Medians within a factor of 3 of each other. A missing password hash on one path would differ by 50× or more
    /// (a PBKDF2-SHA512 check of 210,000 iterations against a single database lookup); load on this machine does not reach 3×.
    /// </summary>
    private static void AssertSimilar(string what, List<double> a, List<double> b)
    {
        var (ma, mb) = (Median(a), Median(b));
        TestContext.Current.SendDiagnosticMessage($"{what} timing: medians {ma:0} ms vs {mb:0} ms");
        Assert.True(Math.Max(ma, mb) <= 3 * Math.Min(ma, mb) + 50, $"{what}: median {ma:0} ms vs {mb:0} ms tells the two cases apart");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
