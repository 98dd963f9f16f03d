using System.Net;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Security.Tests;

/// <summary>
/// Organizers' API tokens (issue 22 part 4) across the running services: a door-staff token checks in its own event's tickets
/// and nothing else, account management never takes one, revocation and expiry take effect within a second, secrets are shown
/// once, and each token has its own rate limit.
/// </summary>
public sealed class ApiTokenTests(SecurityFixture fixture)
{
    private const string TokensPath = "/api/users/me/api-tokens";

    [Fact]
    public async Task A_door_staff_token_checks_in_its_own_event_only_and_is_refused_everywhere_else()
    {
        var organizer = fixture.OrganizerA;
        var (gateEvent, otherEvent) = (await Scenario.PublishedEventAsync(fixture, organizer), await Scenario.PublishedEventAsync(fixture, organizer));
        var gateCode = await TicketCodeAsync(gateEvent);
        var otherCode = await TicketCodeAsync(otherEvent);

        using var users = fixture.As(organizer, ResourceNames.UsersApi);
        var (tokenId, secret) = await CreateAsync(users, new { name = "North gate scanner", scopes = new[] { "check-in" }, eventId = gateEvent });

        using var scanner = fixture.Client(ResourceNames.BookingsApi, token: secret);
        using (var admitted = await scanner.SendAsync("POST", $"/api/events/{gateEvent}/check-ins", JsonSerializer.Serialize(new { code = gateCode, door = "North gate" })))
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        Assert.Equal(1, (await scanner.GetJsonAsync($"/api/events/{gateEvent}/check-ins/summary")).GetProperty("checkedIn").GetInt32());

        // Another event of the same organizer: the token is limited to the gate's event, and the ticket stays outside.
        using (var other = await scanner.SendAsync("POST", $"/api/events/{otherEvent}/check-ins", JsonSerializer.Serialize(new { code = otherCode })))
        {
            Hostile.Count("api-token calls");
            Assert.Equal("api-token-other-event", Answers.CodeOf(await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Forbidden)));
        }

        using var owner = fixture.As(organizer, ResourceNames.BookingsApi);
        Assert.Equal(0, (await owner.GetJsonAsync($"/api/events/{otherEvent}/check-ins/summary")).GetProperty("checkedIn").GetInt32());

        // Beyond its scope: the sales of its own event are another scope's.
        using (var sales = await scanner.GetAsync($"/api/events/{gateEvent}/bookings", Requests.Ct))
        {
            Hostile.Count("api-token calls");
            Assert.Equal("insufficient-scope", Answers.CodeOf(await ProblemAssert.IsProblemAsync(sales, HttpStatusCode.Forbidden)));
        }

        // Operations that do not take API tokens at all: a person's bookings, account management, minting more tokens.
        foreach (var (service, method, path) in new[]
        {
            (ResourceNames.BookingsApi, "GET", "/api/bookings"),
            (ResourceNames.UsersApi, "GET", "/api/users/me"),
            (ResourceNames.UsersApi, "GET", TokensPath),
            (ResourceNames.UsersApi, "POST", TokensPath),
            (ResourceNames.NotificationsApi, "GET", "/api/notifications"),
        })
        {
            using var client = fixture.Client(service, token: secret);
            using var refused = await client.SendAsync(method, path, method == "POST" ? JsonSerializer.Serialize(new { name = "more", scopes = new[] { "check-in" } }) : null);
            Hostile.Count("api-token calls");
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized);
        }

        // The owner sees the token without its secret, with its last use.
        var listed = (await users.GetJsonAsync(TokensPath)).EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == tokenId);
        Assert.DoesNotContain(secret, listed.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("ebk_", listed.GetProperty("hint").GetString());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(gateEvent, listed.GetProperty("eventId").GetGuid());

        // Revoked: refused by bookings-api within a second (each replica trusts an answer for at most ApiTokens:CacheFor = 1 s).
        using (var revoke = await users.SendAsync("DELETE", $"{TokensPath}/{tokenId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(1100), Requests.Ct);
        using (var afterRevoke = await scanner.GetAsync($"/api/events/{gateEvent}/check-ins/summary", Requests.Ct))
        {
            Hostile.Count("api-token calls");
            Assert.Equal("api-token-invalid", Answers.CodeOf(await ProblemAssert.IsProblemAsync(afterRevoke, HttpStatusCode.Unauthorized)));
        }

        Assert.False((await users.GetJsonAsync(TokensPath)).EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == tokenId).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Tokens_are_for_organizers_their_input_is_checked_and_only_their_owner_revokes_them()
    {
        using (var attendee = fixture.As(fixture.AttendeeA, ResourceNames.UsersApi))
        using (var refused = await attendee.PostJsonAsync(TokensPath, new { name = "mine", scopes = new[] { "events:read" } }))
        {
            Hostile.Count("api-token calls");
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden);
        }

        using var users = fixture.As(fixture.OrganizerA, ResourceNames.UsersApi);
        var before = (await users.GetJsonAsync(TokensPath)).GetArrayLength();
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { name = "", scopes = new[] { "check-in" } }, "name"),
            (new { name = new string('n', 81), scopes = new[] { "check-in" } }, "name"),
            (new { name = "no scopes", scopes = Array.Empty<string>() }, "scopes"),
            (new { name = "unknown scope", scopes = new[] { "admin" } }, "scopes"),
            (new { name = "past", scopes = new[] { "check-in" }, expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, "expiresAt"),
            (new { name = "too long", scopes = new[] { "check-in" }, expiresAt = DateTimeOffset.UtcNow.AddYears(2) }, "expiresAt"),
        })
        {
            using var response = await users.PostJsonAsync(TokensPath, body);
            Hostile.Count("api-token calls");
            await ProblemAssert.IsValidationProblemAsync(response, field);
        }

        Assert.Equal(before, (await users.GetJsonAsync(TokensPath)).GetArrayLength());

        // Organizer B can neither see nor revoke A's token; it keeps working.
        var eventId = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerA);
        var (tokenId, secret) = await CreateAsync(users, new { name = "sales export", scopes = new[] { "events:read" } });
        using (var other = fixture.As(fixture.OrganizerB, ResourceNames.UsersApi))
        {
            Assert.DoesNotContain(tokenId.ToString(), (await other.GetJsonAsync(TokensPath)).ToString(), StringComparison.OrdinalIgnoreCase);
            using var revoke = await other.SendAsync("DELETE", $"{TokensPath}/{tokenId}");
            Hostile.Count("api-token calls");
            await ProblemAssert.IsProblemAsync(revoke, HttpStatusCode.NotFound);
        }

        using var export = fixture.Client(ResourceNames.BookingsApi, token: secret);
        Assert.Equal(JsonValueKind.Object, (await export.GetJsonAsync($"/api/events/{eventId}/sales")).ValueKind);

        // A token of organizer A is still organizer A: B's event is refused as it would be to A in person.
        var eventOfB = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerB);
        using (var foreign = await export.GetAsync($"/api/events/{eventOfB}/sales", Requests.Ct))
        {
            Hostile.Count("api-token calls");
            await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
        }

        // Secrets that are not one: made up, or one character off.
        foreach (var forged in new[] { "ebk_" + new string('A', 43), secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A') })
        {
            using var client = fixture.Client(ResourceNames.BookingsApi, token: forged);
            using var response = await client.GetAsync($"/api/events/{eventId}/sales", Requests.Ct);
            Hostile.Count("api-token calls");
            Assert.Equal("api-token-invalid", Answers.CodeOf(await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized)));
        }
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        using var users = fixture.As(fixture.OrganizerA, ResourceNames.UsersApi);
        var eventId = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerA);
        var (_, secret) = await CreateAsync(users, new { name = "one evening", scopes = new[] { "events:read" }, expiresAt = DateTimeOffset.UtcNow.AddSeconds(3) });
        using var client = fixture.Client(ResourceNames.BookingsApi, token: secret);
        Assert.Equal(JsonValueKind.Object, (await client.GetJsonAsync($"/api/events/{eventId}/sales")).ValueKind);

        await Task.Delay(TimeSpan.FromSeconds(4.5), Requests.Ct);
        using var response = await client.GetAsync($"/api/events/{eventId}/sales", Requests.Ct);
        Hostile.Count("api-token calls");
        Assert.Equal("api-token-invalid", Answers.CodeOf(await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized)));
    }

    [Fact]
    public async Task Each_token_has_its_own_rate_limit()
    {
        using var users = fixture.As(fixture.OrganizerA, ResourceNames.UsersApi);
        var eventId = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerA);
        var (_, busy) = await CreateAsync(users, new { name = "busy", scopes = new[] { "check-in" } });
        var (_, calm) = await CreateAsync(users, new { name = "calm", scopes = new[] { "check-in" } });
        using var busyClient = fixture.Client(ResourceNames.BookingsApi, token: busy);
        var path = $"/api/events/{eventId}/check-ins/summary";
        HttpResponseMessage? limited = null;
        for (var i = 0; i < SecurityFixture.ApiTokenRequestsPerMinute + 5 && limited is null; i++)
        {
            var response = await busyClient.GetAsync(path, Requests.Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.Equal("api-token-rate-limited", Answers.CodeOf(await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests)));
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        }

        // Another token of the same organizer, and the organizer in person, are not limited by it.
        using var calmClient = fixture.Client(ResourceNames.BookingsApi, token: calm);
        Assert.Equal(JsonValueKind.Object, (await calmClient.GetJsonAsync(path)).ValueKind);
        using var person = fixture.As(fixture.OrganizerA, ResourceNames.BookingsApi);
        Assert.Equal(JsonValueKind.Object, (await person.GetJsonAsync(path)).ValueKind);
    }

    private static async Task<(Guid Id, string Secret)> CreateAsync(HttpClient users, object body)
    {
        using var response = await users.PostJsonAsync(TokensPath, body);
        var text = await response.Content.ReadAsStringAsync(Requests.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonDocument.Parse(text).RootElement;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("ebk_", secret);
        return (created.GetProperty("token").GetProperty("id").GetGuid(), secret);
    }

    /// <summary>A ticket of a fresh paid booking of attendee B for <paramref name="eventId"/>.</summary>
    private async Task<string> TicketCodeAsync(Guid eventId)
    {
        using var attendee = fixture.As(fixture.AttendeeB, ResourceNames.BookingsApi);
        var (bookingId, _) = await attendee.BookAndPayAsync(eventId, quantity: 1, cancellationToken: Requests.Ct);
        return (await attendee.GetJsonAsync($"/api/bookings/{bookingId}/tickets"))[0].GetProperty("code").GetString()!;
    }
}
