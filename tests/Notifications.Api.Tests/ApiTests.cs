using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Api.Apis;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;

namespace Notifications.Api.Tests;

/// <summary>The HTTP API and the hub, with real token validation, over PostgreSQL and the SMTP catcher.</summary>
public sealed class ApiTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<Notification> SeedAsync(Guid userId, string title = "Hello", DateTimeOffset? createdAt = null)
    {
        var notification = new Notification
        {
            Id = Notification.IdFor($"test:{Guid.NewGuid():N}", userId),
            UserId = userId,
            Kind = NotificationKind.Announcement,
            Title = title,
            Body = "Body",
            CreatedAt = createdAt ?? DateTimeOffset.UtcNow,
            EmailStatus = EmailStatus.Skipped,
        };
        await app.InScopeAsync(sp => sp.GetRequiredService<INotificationStore>().TryAddAsync(notification, CancellationToken.None));
        return notification;
    }

    [Fact]
    public async Task Endpoints_refuse_anonymous_callers_and_user_endpoints_refuse_service_identities()
    {
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/notifications", UriKind.Relative), _ct)).StatusCode);
        using var service = app.Client(app.Tokens.Service("bookings-api"));
        Assert.Equal(HttpStatusCode.Forbidden, (await service.GetAsync(new Uri("/api/notifications", UriKind.Relative), _ct)).StatusCode);
        using var attendee = app.Client(app.Tokens.User(Guid.CreateVersion7()));
        var send = await attendee.PostAsJsonAsync("/api/notifications", new { userId = Guid.CreateVersion7(), title = "x", body = "y" }, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, send.StatusCode);
    }

    [Fact]
    public async Task A_user_lists_pages_filters_and_reads_only_their_own_notifications()
    {
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var now = DateTimeOffset.UtcNow;
        var hers = new List<Notification>();
        for (var i = 0; i < 3; i++)
        {
            hers.Add(await SeedAsync(alice, $"Alice {i}", now.AddSeconds(i)));
        }

        var his = await SeedAsync(bob, "Bob's");
        using var aliceClient = app.Client(app.Tokens.User(alice));
        using var bobClient = app.Client(app.Tokens.User(bob));

        var page = await aliceClient.GetFromJsonAsync<Paged<NotificationView>>("/api/notifications?page=1&pageSize=2", _ct);
        Assert.Equal((1, 2, 3, 2), (page!.Page, page.PageSize, page.TotalCount, page.Items.Count));
        Assert.Equal(3, (await aliceClient.GetFromJsonAsync<UnreadCount>("/api/notifications/unread-count", _ct))!.Unread);
        Assert.Equal(["Alice 2", "Alice 1"], page.Items.Select(n => n.Title));
        Assert.DoesNotContain(page.Items, n => n.Id == his.Id);

        // Bob cannot see, read or mark Alice's notification: 404, and it stays unread.
        var notHis = await bobClient.GetAsync(new Uri($"/api/notifications/{hers[0].Id}", UriKind.Relative), _ct);
        Assert.Equal(HttpStatusCode.NotFound, notHis.StatusCode);
        Assert.Equal("notification-not-found", Problems.CodeOf(await notHis.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(_ct)));
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.PostAsync(new Uri($"/api/notifications/{hers[0].Id}/read", UriKind.Relative), null, _ct)).StatusCode);
        var bobAll = await bobClient.PostAsync(new Uri("/api/notifications/read-all", UriKind.Relative), null, _ct);
        Assert.Equal(1, (await bobAll.Content.ReadFromJsonAsync<ReadAllResult>(_ct))!.Marked);
        Assert.Null((await app.FindAsync(alice, hers[0].Id))!.ReadAt);

        Assert.Equal(HttpStatusCode.NoContent, (await aliceClient.PostAsync(new Uri($"/api/notifications/{hers[0].Id}/read", UriKind.Relative), null, _ct)).StatusCode);
        var one = await aliceClient.GetFromJsonAsync<NotificationView>($"/api/notifications/{hers[0].Id}", _ct);
        Assert.True(one!.IsRead);
        var unread = await aliceClient.GetFromJsonAsync<Paged<NotificationView>>("/api/notifications?unread=true", _ct);
        Assert.Equal(2, unread!.TotalCount);
        Assert.DoesNotContain(unread.Items, n => n.Id == hers[0].Id);

        var all = await aliceClient.PostAsync(new Uri("/api/notifications/read-all", UriKind.Relative), null, _ct);
        Assert.Equal(2, (await all.Content.ReadFromJsonAsync<ReadAllResult>(_ct))!.Marked);
        Assert.Equal(0, (await aliceClient.GetFromJsonAsync<UnreadCount>("/api/notifications/unread-count", _ct))!.Unread);
        Assert.Equal(0, (await bobClient.GetFromJsonAsync<UnreadCount>("/api/notifications/unread-count", _ct))!.Unread);
        Assert.NotNull((await app.FindAsync(bob, his.Id))!.ReadAt); // Bob's read-all marked his own
    }

    [Fact]
    public async Task Preferences_default_to_on_and_switch_email_per_kind()
    {
        var user = Guid.CreateVersion7();
        using var client = app.Client(app.Tokens.User(user));
        var defaults = await client.GetFromJsonAsync<PreferencesView>("/api/notifications/preferences", _ct);
        Assert.All(NotificationKind.All, kind => Assert.True(defaults!.Email[kind]));

        var put = await client.PutAsJsonAsync("/api/notifications/preferences",
            new { email = new Dictionary<string, bool> { [NotificationKind.EventReminder] = false }, userId = Guid.CreateVersion7() }, _ct);
        put.EnsureSuccessStatusCode();
        var saved = await client.GetFromJsonAsync<PreferencesView>("/api/notifications/preferences", _ct);
        Assert.False(saved!.Email[NotificationKind.EventReminder]);
        Assert.True(saved.Email[NotificationKind.BookingConfirmed]);
    }

    public static TheoryData<string, string, string?> BadRequests => new()
    {
        { "GET", "/api/notifications?page=0", null },
        { "GET", "/api/notifications?pageSize=1000", null },
        { "GET", "/api/notifications?page=abc", null },
        { "GET", "/api/notifications?unread=maybe", null },
        { "GET", "/api/notifications/not-a-guid", null },
        { "POST", "/api/notifications/not-a-guid/read", null },
        { "PUT", "/api/notifications/preferences", "{" },
        { "PUT", "/api/notifications/preferences", "{\"email\":{}}" },
        { "PUT", "/api/notifications/preferences", "{\"email\":{\"no-such-kind\":false}}" },
        { "PUT", "/api/notifications/preferences", "{\"email\":{\"event-reminder\":\"off\"}}" },
        { "PUT", "/api/notifications/preferences", "[1,2]" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_on_user_endpoints_is_a_400_problem_and_changes_nothing(string method, string path, string? body)
    {
        var user = Guid.CreateVersion7();
        var seeded = await SeedAsync(user);
        using var client = app.Client(app.Tokens.User(user));
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal(Problems.ValidationCode, Problems.CodeOf(await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(_ct)));
        Assert.Null((await app.FindAsync(user, seeded.Id))!.ReadAt);
        var preferences = await client.GetFromJsonAsync<PreferencesView>("/api/notifications/preferences", _ct);
        Assert.All(preferences!.Email.Values, Assert.True);
    }

    public static TheoryData<string> BadSends => new()
    {
        "{",
        "{\"title\":\"t\",\"body\":\"b\"}",
        $"{{\"userId\":\"{Guid.CreateVersion7()}\",\"eventId\":\"{Guid.CreateVersion7()}\",\"title\":\"t\",\"body\":\"b\"}}",
        $"{{\"userId\":\"{Guid.Empty}\",\"title\":\"t\",\"body\":\"b\"}}",
        $"{{\"userId\":\"{SendTarget}\",\"title\":\"\",\"body\":\"b\"}}",
        $"{{\"userId\":\"{SendTarget}\",\"title\":\"{new string('x', 201)}\",\"body\":\"b\"}}",
        $"{{\"userId\":\"{SendTarget}\",\"title\":\"t\"}}",
        $"{{\"userId\":\"{SendTarget}\",\"title\":\"t\",\"body\":\"b\",\"link\":\"https://evil.example/phish\"}}",
        $"{{\"userId\":\"{SendTarget}\",\"title\":\"t\",\"body\":\"b\",\"link\":\"//evil.example\"}}",
        "{\"userId\":\"not-a-guid\",\"title\":\"t\",\"body\":\"b\"}",
    };

    private static readonly Guid SendTarget = Guid.Parse("0193a000-0000-7000-8000-0000000000aa");

    [Theory]
    [MemberData(nameof(BadSends))]
    public async Task Bad_input_on_send_is_a_400_problem_and_sends_nothing(string body)
    {
        using var admin = app.Client(app.Tokens.User(Guid.CreateVersion7(), "admin"));
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await admin.PostAsync(new Uri("/api/notifications", UriKind.Relative), content, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await app.ListAsync(SendTarget)).TotalCount);
    }

    [Fact]
    public async Task An_admin_sends_to_a_user_and_a_service_to_every_attendee_once_per_idempotency_key()
    {
        var user = Guid.CreateVersion7();
        app.Directory.Users[user] = new UserContact(user, "announce@example.test", "Announce Me");
        using var admin = app.Client(app.Tokens.User(Guid.CreateVersion7(), "admin"));
        var sent = await admin.PostAsJsonAsync("/api/notifications", new { userId = user, title = "Doors open at 19:00", body = "See you there.", link = "/events/x" }, _ct);
        Assert.Equal(new SendNotificationResult(1, 1), await sent.Content.ReadFromJsonAsync<SendNotificationResult>(_ct));
        var notification = Assert.Single((await app.ListAsync(user)).Items);
        var email = await app.WaitForEmailAsync(notification.Id);
        Assert.Equal("Doors open at 19:00", email.Subject);
        Assert.Equal("announce@example.test", email.To.Mailboxes.Single().Address);

        var eventId = Guid.CreateVersion7();
        var (a, b) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        app.Directory.Attendees[eventId] = [new EventAttendee(a, Guid.CreateVersion7(), "a@example.test", null), new EventAttendee(b, Guid.CreateVersion7(), "b@example.test", null)];
        using var service = app.Client(app.Tokens.Service("events-api"));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/notifications", UriKind.Relative))
            {
                Content = JsonContent.Create(new { eventId, title = "Parking closed", body = "Use the tram." }),
            };
            request.Headers.Add("Idempotency-Key", $"parking-{eventId}");
            var response = await service.SendAsync(request, _ct);
            Assert.Equal(new SendNotificationResult(2, attempt == 0 ? 2 : 0), await response.Content.ReadFromJsonAsync<SendNotificationResult>(_ct));
        }

        Assert.Equal(1, (await app.ListAsync(a)).TotalCount);
        Assert.Equal(1, (await app.ListAsync(b)).TotalCount);
    }

    [Fact]
    public async Task The_hub_pushes_a_new_notification_to_its_owner_only()
    {
        var (owner, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var received = new TaskCompletionSource<NotificationView>(TaskCreationOptions.RunContinuationsAsynchronously);
        var leaked = false;
        await using var ownerConnection = Connect(owner);
        await using var otherConnection = Connect(other);
        ownerConnection.On<NotificationView>("Notification", n => received.TrySetResult(n));
        otherConnection.On<NotificationView>("Notification", _ => leaked = true);
        await ownerConnection.StartAsync(_ct);
        await otherConnection.StartAsync(_ct);

        using var admin = app.Client(app.Tokens.User(Guid.CreateVersion7(), "admin"));
        (await admin.PostAsJsonAsync("/api/notifications", new { userId = owner, title = "Live!", body = "Pushed." }, _ct)).EnsureSuccessStatusCode();

        var pushed = await received.Task.WaitAsync(Timeout, _ct);
        Assert.Equal("Live!", pushed.Title);
        Assert.False(leaked);
    }

    [Fact]
    public async Task A_revoked_session_s_open_connection_is_closed_and_hears_nothing_more_while_its_other_sessions_do()
    {
        // Signed in twice (two sessions); one is revoked (signed out everywhere, password changed) while its connection is open.
        var user = Guid.CreateVersion7();
        var (revokedToken, keptToken) = (app.Tokens.User(user), app.Tokens.User(user));
        await using var revokedConnection = Connect(user, token: revokedToken);
        await using var keptConnection = Connect(user, token: keptToken);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        revokedConnection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        var heardByRevoked = 0;
        var heardByKept = new TaskCompletionSource<NotificationView>(TaskCreationOptions.RunContinuationsAsynchronously);
        revokedConnection.On<NotificationView>("Notification", _ => Interlocked.Increment(ref heardByRevoked));
        keptConnection.On<NotificationView>("Notification", n => heardByKept.TrySetResult(n));
        await revokedConnection.StartAsync(_ct);
        await keptConnection.StartAsync(_ct);

        var sessionId = Guid.Parse(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(revokedToken).GetPayloadValue<string>("sid"));
        app.Services.GetRequiredService<EventBooking.ServiceDefaults.RevokedSessions>()
            .Revoke(sessionId, DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5), _ct);

        using var admin = app.Client(app.Tokens.User(Guid.CreateVersion7(), "admin"));
        (await admin.PostAsJsonAsync("/api/notifications", new { userId = user, title = "After revocation", body = "Only the live session." }, _ct))
            .EnsureSuccessStatusCode();
        Assert.Equal("After revocation", (await heardByKept.Task.WaitAsync(Timeout, _ct)).Title);
        Assert.Equal(0, heardByRevoked);
        Assert.Equal(HubConnectionState.Disconnected, revokedConnection.State);
        Assert.Equal(HubConnectionState.Connected, keptConnection.State);
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_valid_token()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/notifications"), options =>
            {
                options.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                options.AccessTokenProvider = () => Task.FromResult<string?>("not-a-token");
            })
            .Build();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(_ct));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_a_token_in_the_query_string()
    {
        // What a browser client would send: the token only in access_token, no Authorization header.
        await using var connection = Connect(Guid.CreateVersion7(), tokenInQuery: true);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync(_ct));
        Assert.Contains("401", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A hub connection as the web's bell makes it: one WebSocket, no negotiation, the token in the Authorization header of the
    /// upgrade request (what the .NET client's WebSocketsTransport sends outside a browser); or, with
    /// <paramref name="tokenInQuery"/>, the token only in the <c>access_token</c> query string (a browser client's way).
    /// </summary>
    private HubConnection Connect(Guid userId, bool tokenInQuery = false, string? token = null) => new HubConnectionBuilder()
        .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/notifications"), options =>
        {
            options.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
            options.WebSocketFactory = async (context, cancellationToken) =>
            {
                var client = app.Server.CreateWebSocketClient();
                var uri = new UriBuilder(context.Uri);
                token ??= app.Tokens.User(userId);
                if (tokenInQuery)
                {
                    uri.Query = $"{uri.Query.TrimStart('?')}&access_token={Uri.EscapeDataString(token)}";
                }
                else
                {
                    client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {token}";
                }

                return await client.ConnectAsync(uri.Uri, cancellationToken);
            };
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
        })
        .Build();
}
