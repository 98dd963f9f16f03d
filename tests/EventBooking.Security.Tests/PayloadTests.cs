using System.Net;
using System.Text;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;

namespace EventBooking.Security.Tests;

/// <summary>
/// OWASP API4 (unrestricted resource consumption), API8 (misconfiguration) and input validation: hostile bodies, numbers,
/// ids, paging and text are 4xx ProblemDetails, never a 5xx, and change nothing.
/// </summary>
public sealed class PayloadTests(SecurityFixture fixture)
{
    private static readonly HttpStatusCode[] BadRequest = [HttpStatusCode.BadRequest];

    /// <summary>A JSON-body route per service, with the caller allowed to use it.</summary>
    private IEnumerable<(string Service, string Method, string Path, Actor Caller)> BodyRoutes(Guid eventId) =>
    [
        (ResourceNames.UsersApi, "POST", "/api/users/register", fixture.AttendeeB),
        (ResourceNames.UsersApi, "PUT", "/api/users/me", fixture.AttendeeB),
        (ResourceNames.EventsApi, "POST", "/api/events", fixture.OrganizerB),
        (ResourceNames.EventsApi, "PUT", $"/api/events/{eventId}", fixture.OrganizerB),
        (ResourceNames.EventsApi, "POST", $"/api/events/{eventId}/reviews", fixture.AttendeeB),
        (ResourceNames.BookingsApi, "POST", "/api/bookings", fixture.AttendeeB),
        (ResourceNames.NotificationsApi, "POST", "/api/notifications", fixture.Admin),
        (ResourceNames.NotificationsApi, "PUT", "/api/notifications/preferences", fixture.AttendeeB),
    ];

    [Fact]
    public async Task Oversized_nested_malformed_and_mistyped_bodies_are_4xx_problems_and_change_nothing()
    {
        var eventId = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerB, capacity: 10);
        var before = await StateAsync(eventId);
        var deep = new string('[', 5000) + new string(']', 5000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000);
        var bodies = new (string Kind, string Body, string? ContentType, HttpStatusCode[] Expected)[]
        {
            ("oversized body (2 MB)", "{\"title\":\"" + new string('x', 2_000_000) + "\"}", "application/json", [HttpStatusCode.RequestEntityTooLarge]),
            ("oversized body (200 KB)", "{\"title\":\"" + new string('x', 200_000) + "\"}", "application/json", [HttpStatusCode.RequestEntityTooLarge]),
            ("deeply nested arrays", deep, "application/json", BadRequest),
            ("deeply nested objects", deepObject, "application/json", BadRequest),
            ("truncated JSON", "{\"eventId\":", "application/json", BadRequest),
            ("not JSON", "hello", "application/json", BadRequest),
            ("JSON array", "[]", "application/json", BadRequest),
            ("JSON null", "null", "application/json", BadRequest),
            ("JSON string", "\"x\"", "application/json", BadRequest),
            ("trailing comma", "{\"quantity\":1,}", "application/json", BadRequest),
            ("comment", "{/* hi */\"quantity\":1}", "application/json", BadRequest),
            ("invalid UTF-8 escape", "{\"title\":\"\\uZZZZ\"}", "application/json", BadRequest),
            ("empty body", "", "application/json", BadRequest),
            ("wrong types", "{\"title\":[1,2],\"quantity\":{},\"eventId\":true,\"displayName\":5,\"email\":{\"a\":1}}", "application/json", BadRequest),
            ("text/plain", "{}", "text/plain", [HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest]),
            ("XML", "<a/>", "application/xml", [HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest]),
            ("form", "title=x", "application/x-www-form-urlencoded", [HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest]),
            ("no content type", "{}", null, [HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest]),
        };

        var failures = new List<string>();
        foreach (var (service, method, path, caller) in BodyRoutes(eventId))
        {
            foreach (var (kind, body, contentType, expected) in bodies)
            {
                Hostile.Count("hostile bodies");
                // Registration is limited per address: each attempt comes from a fresh one.
                using var client = path.EndsWith("/register", StringComparison.Ordinal) ? fixture.Client(service) : fixture.As(caller, service);
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
                if (contentType is not null)
                {
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
                }

                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                // A large body goes as a careful client sends it: headers first, the body once the server asks for it. The
                // server must answer 413 from the Content-Length alone; without the header it closes the connection while
                // the body is still being written, and the client sees a broken pipe instead of the answer.
                request.Headers.ExpectContinue = kind.StartsWith("oversized", StringComparison.Ordinal);
                using (var response = await client.SendAsync(request, Requests.Ct))
                {
                    try
                    {
                        await ProblemAssert.IsProblemAsync(response, expected);
                    }
                    catch (Exception ex) when (ex is Xunit.Sdk.XunitException)
                    {
                        failures.Add($"{kind} → {service} {method} {path}: {ex.Message}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await StateAsync(eventId));
    }

    [Fact]
    public async Task Quantities_and_numbers_outside_the_rules_are_refused_without_holding_a_seat()
    {
        var eventId = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerB, capacity: 10);
        var draftId = await Scenario.DraftEventAsync(fixture, fixture.OrganizerB);
        var attendee = await fixture.NewUserAsync("attendee", "quantities");
        var before = await StateAsync(eventId, attendee);
        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        var quantities = new[]
        {
            "0", "-1", "-2147483648", "11", "1000000", "2147483647", "2147483648", "99999999999999999999", "1e1", "2.0", "2.5", "1E0",
            "\"2\"", "\"two\"", "null", "true", "[2]", "{\"value\":2}", "-0.0", "0x2", "NaN", "Infinity",
        };
        foreach (var quantity in quantities)
        {
            Hostile.Count("hostile numbers");
            using var response = await bookings.SendWithKeyAsync("/api/bookings", $$"""{"eventId":"{{eventId}}","quantity":{{quantity}}}""");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        }

        // bookings-api limits booking requests per person (30 a minute): the next ones come from a second person.
        using var second = fixture.As(await fixture.NewUserAsync("attendee", "quantities-2"), ResourceNames.BookingsApi);
        foreach (var id in new[] { "\"not-a-guid\"", "\"00000000-0000-0000-0000-000000000000\"", "12", "\"' OR 1=1 --\"", "\"" + new string('f', 5000) + "\"" })
        {
            Hostile.Count("hostile ids");
            using var response = await second.SendWithKeyAsync("/api/bookings", $$"""{"eventId":{{id}},"quantity":1}""");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        }

        // An unknown event and a draft are not bookable either.
        foreach (var target in new[] { Guid.NewGuid(), draftId })
        {
            Hostile.Count("hostile ids");
            using var response = await second.SendWithKeyAsync("/api/bookings", $$"""{"eventId":"{{target}}","quantity":1}""");
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, HttpStatusCode.Conflict, HttpStatusCode.BadRequest);
        }

        // Idempotency keys: missing, blank, huge.
        foreach (var key in new string?[] { null, " ", new string('k', 5000) })
        {
            Hostile.Count("hostile headers");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent($$"""{"eventId":"{{eventId}}","quantity":1}""", Encoding.UTF8, "application/json") };
            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            }

            using var response = await second.SendAsync(request, Requests.Ct);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, HttpStatusCode.RequestHeaderFieldsTooLarge);
        }

        // Events: capacity and price out of range or not numbers.
        using var events = fixture.As(fixture.OrganizerB, ResourceNames.EventsApi);
        foreach (var (field, value) in new[] { ("capacity", "0"), ("capacity", "-5"), ("capacity", "1000001"), ("capacity", "2147483648"), ("capacity", "1.5"),
            ("price", "-1"), ("price", "0.001"), ("price", "1e30"), ("price", "\"free\""), ("startsAt", "\"yesterday\""), ("startsAt", "\"1999-01-01T00:00:00Z\""),
            ("currency", "\"XXXX\""), ("timeZone", "\"Mars/Olympus\""), ("category", "\"<script>\""), ("imageUrl", "\"javascript:alert(1)\""), ("imageUrl", "\"file:///etc/passwd\"") })
        {
            Hostile.Count("hostile numbers");
            var body = Scenario.Event().ToJsonObject();
            body[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
            using var response = await events.SendAsync("POST", "/api/events", body.ToJsonString());
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.Equal(before, await StateAsync(eventId, attendee));
    }

    [Fact]
    public async Task Invalid_ids_in_routes_are_4xx_problems_never_5xx()
    {
        var failures = new List<string>();
        var attendee = fixture.AttendeeB;
        foreach (var id in new[] { "not-a-guid", "00000000-0000-0000-0000-000000000000x", "1%27%20OR%201%3D1", "%00", "..%2F..%2Fetc%2Fpasswd", new string('9', 3000) })
        {
            await ExpectRefusedAsync(failures, attendee, ResourceNames.BookingsApi, $"/api/bookings/{id}", HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
            await ExpectRefusedAsync(failures, attendee, ResourceNames.BookingsApi, $"/api/tickets/{id}", HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
            await ExpectRefusedAsync(failures, null, ResourceNames.EventsApi, $"/api/events/{id}", HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
            await ExpectRefusedAsync(failures, null, ResourceNames.EventsApi, $"/api/events/{id}/availability", HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
            await ExpectRefusedAsync(failures, attendee, ResourceNames.NotificationsApi, $"/api/notifications/{id}", HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
            await ExpectRefusedAsync(failures, attendee, ResourceNames.UsersApi, $"/api/users/{id}", HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Paging_overflow_on_every_paged_list_is_a_400_problem_and_the_largest_page_is_empty()
    {
        var failures = new List<string>();
        var attendee = fixture.AttendeeB;
        var lists = new (Actor? Caller, string Service, string Path)[]
        {
            (null, ResourceNames.EventsApi, "/api/events"),
            (null, ResourceNames.EventsApi, $"/api/events/{Guid.NewGuid()}/reviews"),
            (null, ResourceNames.EventsApi, $"/api/users/{Guid.NewGuid()}/reviews"),
            (attendee, ResourceNames.BookingsApi, "/api/bookings"),
            (attendee, ResourceNames.BookingsApi, "/api/payments"),
            (attendee, ResourceNames.BookingsApi, "/api/tickets"),
            (fixture.Admin, ResourceNames.BookingsApi, $"/api/events/{Guid.NewGuid()}/bookings"),
            (attendee, ResourceNames.NotificationsApi, "/api/notifications"),
            (fixture.Admin, ResourceNames.UsersApi, "/api/users"),
        };
        foreach (var (caller, service, path) in lists)
        {
            // An admin asking for the bookings of an event that does not exist may be told so (404) before the paging is read.
            var unknownEvent = path.Contains("/bookings", StringComparison.Ordinal) && caller == fixture.Admin;
            foreach (var query in new[] { "page=2147483647", "page=100001", "page=0", "page=-1", "page=99999999999", "page=abc", "pageSize=2147483647",
                "pageSize=101", "pageSize=0", "pageSize=-2147483648", "page=2147483647&pageSize=100", "page=100000&pageSize=2147483647" })
            {
                await ExpectRefusedAsync(failures, caller, service, $"{path}?{query}", unknownEvent ? [HttpStatusCode.BadRequest, HttpStatusCode.NotFound] : BadRequest);
            }

            // The largest page allowed is an empty page, not an overflow.
            using var client = caller is null ? fixture.Client(service) : fixture.As(caller, service);
            using var last = await client.GetAsync($"{path}?page=100000&pageSize=100", Requests.Ct);
            Hostile.Count("hostile paging");
            if (last.StatusCode != HttpStatusCode.OK && !(last.StatusCode == HttpStatusCode.NotFound && caller == fixture.Admin))
            {
                failures.Add($"{service} {path}?page=100000&pageSize=100: {(int)last.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Search_text_with_SQL_and_regex_metacharacters_is_just_text()
    {
        var failures = new List<string>();
        foreach (var q in new[] { "' OR 1=1 --", "%", "_", "\\", "(((((", ".*", "$where", "{\"$gt\":\"\"}" })
        {
            Hostile.Count("hostile queries");
            using var client = fixture.Client(ResourceNames.EventsApi);
            using var response = await client.GetAsync($"/api/events?q={Uri.EscapeDataString(q)}", Requests.Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"search q={q}: {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>A GET that must be refused with a ProblemDetails of one of <paramref name="expected"/>; a failure is collected, not thrown.</summary>
    private async Task ExpectRefusedAsync(List<string> failures, Actor? caller, string service, string path, params HttpStatusCode[] expected)
    {
        Hostile.Count(path.Contains("page", StringComparison.Ordinal) ? "hostile paging" : "hostile ids");
        using var client = caller is null ? fixture.Client(service) : fixture.As(caller, service);
        using var response = await client.GetAsync(path, Requests.Ct);
        try
        {
            if (path.Contains("%00", StringComparison.Ordinal))
            {
                // Kestrel refuses a NUL in the path before any application code runs: a bare 400.
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            }
            else
            {
                await ProblemAssert.IsProblemAsync(response, expected);
            }
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            failures.Add(ex.Message);
        }
    }

    public static readonly string[] Tricks =
    [
        "Right-to-left \u202Eoverride",
        "Left-to-right \u202Dembedding",
        "Isolate \u2066inside\u2069",
        "Null \0 byte",
        "Bell \u0007 ring",
        "Escape \u001B[31m red",
        "Zero\u200Bwidth",
        "Byte\uFEFForder mark",
        "Line\u2028separator",
        "Lone \uD800 surrogate",
        "Delete \u007F char",
        "C1 \u0085 control",
    ];

    [Fact]
    public async Task Control_characters_and_bidi_overrides_are_refused_in_every_text_people_read()
    {
        var eventId = await Scenario.PublishedEventAsync(fixture, fixture.OrganizerB, capacity: 10);
        var attendee = await fixture.NewUserAsync("attendee", "unicode");
        var before = await StateAsync(eventId, attendee);
        using var me = fixture.As(attendee, ResourceNames.UsersApi);
        using var events = fixture.As(fixture.OrganizerB, ResourceNames.EventsApi);
        using var reviews = fixture.As(attendee, ResourceNames.EventsApi);
        using var bookings = fixture.As(attendee, ResourceNames.BookingsApi);
        using var admin = fixture.As(fixture.Admin, ResourceNames.NotificationsApi);
        var pending = (await Scenario.BookAsync(fixture, attendee, eventId, quantity: 1)).GetProperty("id").GetGuid();
        before = await StateAsync(eventId, attendee);

        var failures = new List<string>();
        foreach (var trick in Tricks)
        {
            var text = JsonLiteral(trick);
            using var users = fixture.Client(ResourceNames.UsersApi); // registration is limited per address: a fresh one
            var eventBody = Scenario.Event().ToJsonObject();
            var attempts = new (HttpClient Client, string Method, string Path, string Body, string Field)[]
            {
                (users, "POST", "/api/users/register", $$"""{"email":"u-{{Guid.NewGuid():N}}@security.test","password":"{{SecurityFixture.Password}}","displayName":{{text}}}""", "displayName"),
                (me, "PUT", "/api/users/me", $$"""{"displayName":{{text}},"emailNotifications":true}""", "displayName"),
                (events, "POST", "/api/events", With(eventBody, "title", text), "title"),
                (events, "POST", "/api/events", With(eventBody, "venue", text), "venue"),
                (events, "POST", "/api/events", With(eventBody, "city", text), "city"),
                (events, "PUT", $"/api/events/{eventId}", With(eventBody, "title", text), "title"),
                (events, "POST", $"/api/events/{eventId}/cancel", $$"""{"reason":{{text}}}""", "reason"),
                (reviews, "POST", $"/api/events/{eventId}/reviews", $$"""{"rating":5,"text":{{text}}}""", "text"),
                (bookings, "POST", $"/api/bookings/{pending}/cancel", $$"""{"reason":{{text}}}""", "reason"),
                (admin, "POST", "/api/notifications", $$"""{"userId":"{{attendee.Id}}","title":{{text}},"body":"Hello"}""", "title"),
                (admin, "POST", "/api/notifications", $$"""{"userId":"{{attendee.Id}}","title":"Hello","body":{{text}}}""", "body"),
            };
            // A lone surrogate cannot even be read as a .NET string: any 400 ProblemDetails will do.
            var unreadable = trick.Any(char.IsSurrogate);
            foreach (var (client, method, path, body, field) in attempts)
            {
                Hostile.Count("unicode tricks");
                using var response = await client.SendAsync(method, path, body);
                try
                {
                    if (unreadable)
                    {
                        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
                    }
                    else
                    {
                        await ProblemAssert.IsValidationProblemAsync(response, field);
                    }
                }
                catch (Xunit.Sdk.XunitException ex)
                {
                    failures.Add($"{trick.Length}-char trick '{Escape(trick)}' in {field} of {method} {path}: {ex.Message}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await StateAsync(eventId, attendee));
        Assert.Equal("Test unicode", (await me.GetJsonAsync("/api/users/me")).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Ordinary_international_text_is_still_accepted()
    {
        using var events = fixture.As(fixture.OrganizerB, ResourceNames.EventsApi);
        var body = Scenario.Event().ToJsonObject();
        body["title"] = "Fête de la musique — שלום עולם — مرحبا — 東京 👩‍👩‍👧";
        body["description"] = "Line one\nLine two\r\n\tindented";
        using var response = await events.SendAsync("POST", "/api/events", body.ToJsonString());
        var created = await response.ReadJsonAsync(HttpStatusCode.Created, Requests.Ct);
        Assert.Equal(body["title"]!.GetValue<string>(), created.GetProperty("title").GetString());
    }

    /// <summary>The body with <paramref name="field"/> set to a raw JSON value (spliced as text: a lone surrogate cannot be parsed).</summary>
    private static string With(System.Text.Json.Nodes.JsonObject body, string field, string jsonValue)
    {
        var copy = System.Text.Json.Nodes.JsonNode.Parse(body.ToJsonString())!.AsObject();
        copy[field] = "__value__";
        return copy.ToJsonString().Replace("\"__value__\"", jsonValue, StringComparison.Ordinal);
    }

    /// <summary>A JSON string literal with every character outside printable ASCII escaped (lone surrogates too).</summary>
    private static string JsonLiteral(string text) =>
        "\"" + string.Concat(text.Select(c => c is < ' ' or > '~' or '"' or '\\' ? $"\\u{(int)c:X4}" : c.ToString())) + "\"";

    private static string Escape(string text) => string.Concat(text.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:X4}" : c.ToString()));

    /// <summary>The event as its organizer sees it plus its seats, and (when given) a person's bookings, profile and notifications.</summary>
    private async Task<string> StateAsync(Guid eventId, Actor? person = null)
    {
        using var events = fixture.As(fixture.OrganizerB, ResourceNames.EventsApi);
        var e = await events.GetJsonAsync($"/api/events/{eventId}");
        var seats = await events.GetJsonAsync($"/api/events/{eventId}/availability");
        var mine = await events.GetJsonAsync("/api/organizers/me/events");
        var state = $"{e.GetProperty("title")}|{e.GetProperty("status")}|{e.GetProperty("version")}|{seats}|{mine.GetProperty("totalCount")}";
        if (person is not null)
        {
            using var bookings = fixture.As(person, ResourceNames.BookingsApi);
            using var users = fixture.As(person, ResourceNames.UsersApi);
            using var notifications = fixture.As(person, ResourceNames.NotificationsApi);
            state += "|" + (await bookings.GetJsonAsync("/api/bookings?pageSize=100")) + "|" + (await users.GetJsonAsync("/api/users/me"))
                + "|" + (await notifications.GetJsonAsync("/api/notifications")).GetProperty("totalCount");
        }

        return state;
    }
}
