using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>What a crawler finds on the running web: robots.txt, a sitemap listing the demo events, an event's schema.org data.</summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task Crawlers_find_robots_txt_a_sitemap_of_the_events_on_sale_and_each_events_schema_org_data()
    {
        var ct = TestContext.Current.CancellationToken;
        var page = await fixture.NewPageAsync();
        await GoToAsync(page, "/");
        await page.ClickAsync($"[data-testid=event-link]:has-text('{DemoEvent}')");
        await page.WaitForURLAsync(new Regex("/events/"));
        var eventPath = new Uri(page.Url).AbsolutePath;

        using var http = new HttpClient { BaseAddress = fixture.WebUrl };
        var origin = fixture.WebUrl.GetLeftPart(UriPartial.Authority);
        var robots = await http.GetStringAsync("/robots.txt", ct);
        Assert.Contains($"Sitemap: {origin}/sitemap.xml", robots, StringComparison.Ordinal);

        using var sitemapResponse = await http.GetAsync("/sitemap.xml", ct);
        Assert.Equal("application/xml", sitemapResponse.Content.Headers.ContentType?.MediaType);
        XNamespace sitemaps = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var listed = XDocument.Parse(await sitemapResponse.Content.ReadAsStringAsync(ct)).Descendants(sitemaps + "loc").Select(l => l.Value).ToList();
        Assert.Contains(origin + eventPath, listed);

        // The server-rendered page carries the data, before any script runs.
        var html = await http.GetStringAsync(eventPath, ct);
        var block = Regex.Match(html, "<script type=\"application/ld\\+json\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(block.Success, "the event page has a JSON-LD block");
        using var data = JsonDocument.Parse(block.Groups[1].Value);
        Assert.Equal("Event", data.RootElement.GetProperty("@type").GetString());
        Assert.Equal(DemoEvent, data.RootElement.GetProperty("name").GetString());
        Assert.Equal("https://schema.org/InStock", data.RootElement.GetProperty("offers").GetProperty("availability").GetString());
    }
}
