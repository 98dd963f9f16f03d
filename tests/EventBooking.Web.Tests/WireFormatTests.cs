using System.Net;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Shared;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>How the web reads the services' shared HTTP vocabulary: problems by their <c>code</c>, lists in one page envelope.</summary>
public sealed class WireFormatTests
{
    private const string Service = "Service_Bookings";
    private readonly StubApi _api = new();

    [Fact]
    public async Task A_refusal_is_read_with_its_code_status_kind_and_words()
    {
        _api.Refuse("/refused", new Error("sold-out", ErrorKind.Conflict, "Not enough seats are left."));

        var problem = (await GetAsync<object>("/refused")).Problem!;

        Assert.Equal(ProblemCodes.SoldOut, problem.Code);
        Assert.Equal(409, problem.Status);
        Assert.Equal(ErrorKind.Conflict, problem.Kind);
        Assert.Equal("Sold out", problem.Title);
        Assert.Equal("Not enough seats are left.", problem.Message);
    }

    [Theory]
    [InlineData("""{"type":"about:blank","title":"Sold out","status":409,"code":"sold-out"}""", "sold-out")]
    [InlineData("""{"type":"https://eventbooking.dev/problems/sold-out","title":"Sold out","status":409}""", ProblemCodes.Unknown)]
    [InlineData("""{"type":"https://eventbooking.dev/problems/not-on-sale","status":409,"code":"not-on-sale","reason":"sold-out"}""", "not-on-sale")]
    public async Task The_code_comes_from_the_code_member_never_from_the_type_or_a_reason(string json, string code)
    {
        _api.Raw("/refused", HttpStatusCode.Conflict, json, "application/problem+json");

        Assert.Equal(code, (await GetAsync<object>("/refused")).Problem!.Code);
    }

    [Fact]
    public async Task A_validation_problem_lists_its_field_errors()
    {
        _api.Refuse("/invalid", Problems.Validation("quantity", "quantity must be between 1 and 10.").ProblemDetails);

        var problem = (await GetAsync<object>("/invalid")).Problem!;

        Assert.Equal(ProblemCodes.Validation, problem.Code);
        Assert.Equal(ErrorKind.Invalid, problem.Kind);
        Assert.Equal(["quantity must be between 1 and 10."], problem.Errors!["quantity"]);
    }

    [Fact]
    public async Task Members_beyond_the_problems_own_are_no_obstacle()
    {
        var paymentId = Guid.CreateVersion7();
        _api.Refuse("/pay", new Error("card-declined", ErrorKind.Declined, "The card was declined.").With("paymentId", paymentId));

        var problem = (await GetAsync<object>("/pay")).Problem!;

        Assert.Equal(("card-declined", ErrorKind.Declined, "The card was declined."), (problem.Code, problem.Kind, problem.Message));
    }

    [Fact]
    public async Task A_service_that_does_not_answer_is_a_problem_the_web_names()
    {
        _api.Unreachable("/down");

        var result = await GetAsync<object>("/down");

        Assert.Equal(ProblemCodes.Unreachable, result.Problem!.Code);
        Assert.Equal(ErrorKind.Unavailable, result.Problem.Kind);
        // Named in the user's language (the client only knows the service's resource key).
        using (TestTexts.InCulture("en"))
        {
            Assert.Equal("The booking service is not reachable right now. Please try again in a moment.", TestTexts.Localizer.Problem(result.Problem));
        }

        using (TestTexts.InCulture("de"))
        {
            Assert.Equal("Der Buchungsdienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.", TestTexts.Localizer.Problem(result.Problem));
        }
    }

    [Fact]
    public async Task An_answer_without_a_problem_body_keeps_its_status_and_gets_words_for_people()
    {
        _api.Raw("/gone", HttpStatusCode.NotFound, "<html>Not here</html>", "text/html");

        var problem = (await GetAsync<object>("/gone")).Problem!;

        Assert.Equal((ProblemCodes.Unknown, 404), (problem.Code, problem.Status));
        using (TestTexts.InCulture("en"))
        {
            Assert.Equal("Not found.", TestTexts.Localizer.Problem(problem));
        }

        using (TestTexts.InCulture("de"))
        {
            Assert.Equal("Nicht gefunden.", TestTexts.Localizer.Problem(problem));
        }
    }

    [Fact]
    public async Task Every_list_is_read_as_the_one_page_envelope()
    {
        var ticket = new TicketDto(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), "EB-1-1", 1, "code", "Valid", DateTimeOffset.UnixEpoch);
        _api.Ok("/api/tickets", new Paged<TicketDto>([ticket], Page: 3, PageSize: 20, TotalCount: 41));

        var page = (await GetAsync<Paged<TicketDto>>("/api/tickets?page=3&pageSize=20")).Value!;

        Assert.Equal(ticket, Assert.Single(page.Items));
        Assert.Equal((3, 20, 41L, 3), (page.Page, page.PageSize, page.TotalCount, page.PageCount()));
    }

    [Theory]
    [InlineData(0, 20, 0)]
    [InlineData(20, 20, 1)]
    [InlineData(21, 20, 2)]
    [InlineData(5, 0, 0)]
    public void The_page_count_covers_every_item(long total, int pageSize, int pages) =>
        Assert.Equal(pages, new Paged<int>([], 1, pageSize, total).PageCount());

    private Task<ApiResult<T>> GetAsync<T>(string uri) => Api.GetAsync<T>(_api.Client(), uri, Service, TestContext.Current.CancellationToken);
}
