using System.Text.Json;
using System.Xml.Linq;
using EventBooking.Web.Clients;
using EventBooking.Web.Components.Shared;
using EventBooking.Web.Extensions;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>What search engines read: robots.txt, the sitemap and an event's schema.org data, built from known input.</summary>
public sealed class DiscoveryTests
{
    private static readonly XNamespace Sitemaps = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Fact]
    public void Robots_keep_crawlers_out_of_private_areas_and_point_at_the_sitemap()
    {
        var robots = Discovery.Robots("https://tickets.example");
        foreach (var path in new[] { "/account/", "/admin/", "/organizer/" })
        {
            Assert.Contains($"Disallow: {path}\n", robots, StringComparison.Ordinal);
        }

        // A buyer's own pages are kept private by sign-in, not by a line a search engine may list the address from anyway.
        foreach (var path in new[] { "/bookings", "/tickets", "/payments", "/notifications" })
        {
            Assert.DoesNotContain($"Disallow: {path}", robots, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Disallow: /\n", robots, StringComparison.Ordinal);
        Assert.Contains("Sitemap: https://tickets.example/sitemap.xml", robots, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sitemap_is_valid_sitemap_xml_listing_the_home_page_and_each_event_with_its_last_change()
    {
        var id = Guid.NewGuid();
        var xml = Discovery.Sitemap("https://tickets.example", [new SitemapEntry(id, new DateTimeOffset(2027, 5, 1, 18, 30, 0, TimeSpan.FromHours(2)))]);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml, StringComparison.Ordinal);
        var urls = XDocument.Parse(xml).Root!.Elements(Sitemaps + "url").ToList();
        Assert.Equal(["https://tickets.example/", $"https://tickets.example/events/{id}"], urls.Select(u => u.Element(Sitemaps + "loc")!.Value));
        Assert.Equal("2027-05-01T16:30:00Z", urls[1].Element(Sitemaps + "lastmod")!.Value);
    }

    [Fact]
    public void An_events_structured_data_is_a_schema_org_event_no_organizer_text_can_break_out_of()
    {
        var hostile = "Night </script><script>alert(1)</script> & more";
        var e = new EventDto(Guid.NewGuid(), hostile, "Bring <friends>", "Hall", "Porto", new DateTimeOffset(2027, 5, 1, 20, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 5, 1, 23, 0, 0, TimeSpan.Zero), "Europe/Lisbon", "music", 100, 25m, "EUR", Guid.NewGuid(), "Published",
            null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, 0, 1);

        var markup = StructuredData.Event(e, "https://tickets.example/events/1").Value;

        const string open = "<script type=\"application/ld+json\">";
        Assert.StartsWith(open, markup, StringComparison.Ordinal);
        Assert.EndsWith("</script>", markup, StringComparison.Ordinal);
        var json = markup[open.Length..^"</script>".Length];
        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
        using var data = JsonDocument.Parse(json);
        var root = data.RootElement;
        Assert.Equal("Event", root.GetProperty("@type").GetString());
        Assert.Equal(hostile, root.GetProperty("name").GetString());
        Assert.Equal("2027-05-01T20:00:00.0000000+00:00", root.GetProperty("startDate").GetString());
        Assert.Equal("Hall", root.GetProperty("location").GetProperty("name").GetString());
        Assert.Equal("25.00", root.GetProperty("offers").GetProperty("price").GetString());
        Assert.Equal("EUR", root.GetProperty("offers").GetProperty("priceCurrency").GetString());
        // No seat left: sold out, whatever the status says.
        Assert.Equal("https://schema.org/SoldOut", root.GetProperty("offers").GetProperty("availability").GetString());
    }
}
