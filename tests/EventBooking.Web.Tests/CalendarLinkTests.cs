using System.Net;
using System.Text;
using System.Text.Json;
using EventBooking.Web.Clients;
using EventBooking.Web.Extensions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>The web's <c>/events/{id}/calendar.ics</c>: events-api's file passed on as it came, its refusals passed on with their code.</summary>
public sealed class CalendarLinkTests
{
    private static async Task<(int Status, string? ContentType, string? Disposition, string Body)> RunAsync(StubApi api, Guid id)
    {
        using var http = api.Client();
        var result = await Endpoints.EventCalendar(id, new EventsClient(http), TestContext.Current.CancellationToken);
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.ContentType, context.Response.Headers.ContentDisposition.ToString(),
            Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task The_file_is_passed_on_byte_for_byte_with_its_media_type_and_file_name()
    {
        var id = Guid.CreateVersion7();
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Caf\u00e9 \u00fcber alles\r\nEND:VCALENDAR\r\n";
        var api = new StubApi().Raw($"/api/events/{id}/calendar.ics", HttpStatusCode.OK, ics, "text/calendar");

        var (status, contentType, disposition, body) = await RunAsync(api, id);

        Assert.Equal(200, status);
        Assert.Equal("text/calendar; method=PUBLISH; charset=utf-8", contentType);
        Assert.Contains($"filename=event-{id}.ics", disposition, StringComparison.Ordinal);
        Assert.StartsWith("attachment", disposition, StringComparison.Ordinal);
        Assert.Equal(ics, body);
    }

    [Fact]
    public async Task A_draft_or_unknown_event_is_events_apis_404_and_an_unreachable_one_a_503_problem()
    {
        var (id, down) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var api = new StubApi().Refuse($"/api/events/{id}/calendar.ics", Error.NotFound("event")).Unreachable($"/api/events/{down}/calendar.ics");

        var notFound = await RunAsync(api, id);
        Assert.Equal((404, "application/problem+json"), (notFound.Status, notFound.ContentType));
        Assert.Equal("event-not-found", JsonDocument.Parse(notFound.Body).RootElement.GetProperty("code").GetString());

        var unreachable = await RunAsync(api, down);
        Assert.Equal(503, unreachable.Status);
        Assert.Equal("service-unreachable", JsonDocument.Parse(unreachable.Body).RootElement.GetProperty("code").GetString());
    }
}
