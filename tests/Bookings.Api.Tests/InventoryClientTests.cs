using System.Net;
using System.Text;
using Bookings.Api.Inventory;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bookings.Api.Tests;

/// <summary>How bookings-api reads events-api's answers: the problem's <c>code</c>, never a match on the type URI.</summary>
public sealed class InventoryClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    // The code member decides, whatever the type's last segment says.
    [InlineData(HttpStatusCode.Conflict, """{"type":"https://eventbooking.dev/problems/not-on-sale","code":"sold-out","detail":"2 left."}""", "sold-out", ErrorKind.Conflict)]
    [InlineData(HttpStatusCode.Conflict, """{"type":"https://elsewhere.example/errors/sold-out","code":"not-on-sale","detail":"Cancelled."}""", "not-on-sale", ErrorKind.Conflict)]
    // Without a code member: the type's last segment under the one problem base (problems the framework wrote).
    [InlineData(HttpStatusCode.Conflict, """{"type":"https://eventbooking.dev/problems/hold-expired","detail":"Gone."}""", "hold-expired", ErrorKind.Conflict)]
    [InlineData(HttpStatusCode.Conflict, """{"type":"https://elsewhere.example/errors/sold-out","detail":"?"}""", "conflict", ErrorKind.Conflict)]
    [InlineData(HttpStatusCode.NotFound, """{"type":"https://eventbooking.dev/problems/event-not-found","code":"event-not-found","detail":"No such event."}""", "event-not-found", ErrorKind.NotFound)]
    [InlineData(HttpStatusCode.BadRequest, """{"code":"validation","detail":"quantity"}""", "validation", ErrorKind.Invalid)]
    [InlineData(HttpStatusCode.ServiceUnavailable, """{"code":"temporarily-unavailable"}""", InventoryResult.UnavailableCode, ErrorKind.Unavailable)]
    [InlineData(HttpStatusCode.Forbidden, """{"code":"forbidden"}""", InventoryResult.UnavailableCode, ErrorKind.Unavailable)]
    public async Task A_refusal_is_read_by_its_code(HttpStatusCode status, string problem, string code, ErrorKind kind)
    {
        var client = new InventoryClient(new HttpClient(new Answering(status, problem)) { BaseAddress = new Uri("http://events-api") }, NullLogger<InventoryClient>.Instance);

        var hold = await client.PlaceHoldAsync(Guid.CreateVersion7(), Guid.CreateVersion7(), new HoldRequest(3, [], [], DateTimeOffset.UtcNow.AddMinutes(10)), Ct);

        Assert.False(hold.Succeeded);
        Assert.Equal((code, kind), (hold.Error!.Code, hold.Error.Kind));
    }

    [Fact]
    public async Task The_detail_of_events_apis_refusal_is_kept()
    {
        var client = new InventoryClient(new HttpClient(new Answering(HttpStatusCode.Conflict, """{"code":"sold-out","title":"Sold out","detail":"Only 2 seats remain."}"""))
        {
            BaseAddress = new Uri("http://events-api"),
        }, NullLogger<InventoryClient>.Instance);

        var hold = await client.ConfirmHoldAsync(Guid.CreateVersion7(), Guid.CreateVersion7(), Ct);

        Assert.Equal("Only 2 seats remain.", hold.Error!.Detail);
    }

    [Fact]
    public async Task Seat_lines_go_to_events_api_as_its_hold_lines_and_the_seats_gone_come_back_with_the_refusal()
    {
        var answering = new Answering(HttpStatusCode.Conflict, """{"code":"seat-not-available","detail":"Taken.","seatIds":["stalls-F-12"]}""");
        var client = new InventoryClient(new HttpClient(answering) { BaseAddress = new Uri("http://events-api") }, NullLogger<InventoryClient>.Instance);
        var (named, best, counted) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        HoldLineRequest[] lines =
        [
            new(named, 2, ["stalls-F-12", "stalls-F-13"]),
            new(best, 3, BestAvailable: new BestAvailableRequest(WheelchairSpaces: 1)),
            new(counted, 4),
        ];

        var hold = await client.PlaceHoldAsync(Guid.CreateVersion7(), Guid.CreateVersion7(), new HoldRequest(9, lines, [], DateTimeOffset.UtcNow.AddMinutes(10)), Ct);

        Assert.Equal("seat-not-available", hold.Error!.Code);
        Assert.Equal(["stalls-F-12"], Assert.IsAssignableFrom<IEnumerable<string>>(hold.Error.Members["seatIds"]));
        var sent = System.Text.Json.JsonDocument.Parse(answering.Body!).RootElement.GetProperty("lines");
        Assert.Equal("""{"ticketTypeId":"%s","quantity":2,"seatIds":["stalls-F-12","stalls-F-13"]}""".Replace("%s", named.ToString()), sent[0].GetRawText());
        Assert.Equal("""{"ticketTypeId":"%s","quantity":3,"bestAvailable":{"allowSplit":false,"wheelchairSpaces":1,"allowRestrictedView":false}}""".Replace("%s", best.ToString()),
            sent[1].GetRawText());
        Assert.Equal("""{"ticketTypeId":"%s","quantity":4}""".Replace("%s", counted.ToString()), sent[2].GetRawText());
    }

    private sealed class Answering(HttpStatusCode status, string problem) : HttpMessageHandler
    {
        /// <summary>The last request's body.</summary>
        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status) { Content = new StringContent(problem, Encoding.UTF8, "application/problem+json") };
        }
    }
}
