using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EventBooking.AppHost;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Notifications.Api.Apis;

namespace Notifications.Api.Tests;

public sealed class UsersAndNotificationsTopology() : TopologyFixture([ResourceNames.UsersApi, ResourceNames.NotificationsApi], seedDemoData: true);

/// <summary>
/// notifications-api as its own process, started from the AppHost beside the real users-api: real tokens (login and client
/// credentials), its service token used for <c>GET /internal/users/{id}</c>, the email read back from the topology's catcher.
/// </summary>
public sealed class TopologyTests(UsersAndNotificationsTopology topology) : IClassFixture<UsersAndNotificationsTopology>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_notifies_the_demo_attendee_who_reads_it_with_their_own_token_and_gets_the_email()
    {
        using var notifications = topology.CreateClient(ResourceNames.NotificationsApi);
        var serviceToken = await topology.ServiceTokenAsync(ResourceNames.EventsApi);

        var title = $"Doors open early {Guid.NewGuid():N}";
        using var send = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/notifications", UriKind.Relative))
        {
            Content = JsonContent.Create(new { userId = DemoData.AttendeeId, title, body = "Come at 18:30." }),
        };
        send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", serviceToken);
        var sent = await notifications.SendAsync(send, _ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);

        // The address comes from users-api (the request had none): proves the service-token client and the users client.
        MimeMessage? email = null;
        await Poll.UntilAsync(() => (email = Mail.Read(topology.System.Maildir)
                .Select(raw => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw))))
                .FirstOrDefault(m => m.Subject == title)) is not null,
            TimeSpan.FromSeconds(30), "the announcement email reaches the SMTP catcher", _ct);
        Assert.Equal(DemoData.AttendeeEmail, email!.To.Mailboxes.Single().Address);

        notifications.SignedIn(await topology.TokenAsync("attendee"));
        var mine = await notifications.GetFromJsonAsync<Paged<NotificationView>>("/api/notifications", _ct);
        var stored = Assert.Single(mine!.Items, n => n.Title == title);
        Assert.Equal("sent", stored.Email.Status);

        // An attendee's token cannot send notifications; a service token cannot read anyone's list.
        var forbidden = await notifications.PostAsJsonAsync("/api/notifications", new { userId = DemoData.AttendeeId, title = "x", body = "y" }, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        notifications.SignedIn(serviceToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await notifications.GetAsync(new Uri("/api/notifications", UriKind.Relative), _ct)).StatusCode);
    }
}
