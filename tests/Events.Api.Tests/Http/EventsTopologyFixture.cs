using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Events.Api.Tests.Http;

/// <summary>
/// users-api and events-api as real processes (started from the AppHost: PostgreSQL, RabbitMQ), with the demo users seeded,
/// plus signed-in clients for each role and a service identity from <c>/connect/token</c>.
/// </summary>
public sealed class EventsTopologyFixture() : TopologyFixture([ResourceNames.UsersApi, ResourceNames.EventsApi], seedDemoData: true)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override void Configure(Dictionary<string, string?> environment)
    {
        environment["Inventory__SweepInterval"] = "00:00:00.200";
        // Waiting-list offers last 12 s here (30 min by default), so an unanswered one moves on within the test.
        environment["Events__WaitingListOfferMinutes"] = "0.2";
        environment["Events__WaitingListInterval"] = "00:00:00.200";
    }

    public HttpClient Anonymous() => CreateClient(ResourceNames.EventsApi);

    /// <summary>An events-api client as "admin", "attendee", "organizer", "organizer-2" or "service" (see <see cref="TopologyFixture.TokenAsync"/>).</summary>
    public Task<HttpClient> AsAsync(string who) => AsAsync(ResourceNames.EventsApi, who);
}
