using EventBooking.Web.Clients;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>How the web reads the services' shared HTTP vocabulary: lists in one page envelope.</summary>
public sealed class WireFormatTests
{
    private const string Service = "The test service";
    private readonly StubApi _api = new();

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
