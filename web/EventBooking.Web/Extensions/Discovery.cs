using System.Globalization;
using System.Text;
using System.Xml;
using EventBooking.Web.Clients;

namespace EventBooking.Web.Extensions;

/// <summary>
/// What search engines read: <c>/robots.txt</c> (the public pages may be crawled, the account, organizer and admin areas may not) and <c>/sitemap.xml</c> (the home page and the published events still to come, soonest first, at most
/// <see cref="SitemapLimit"/> of them). The event list is read from events-api at most once per <see cref="SitemapLifetime"/> per
/// replica; the addresses are built per request from the request's own origin, so no caller can plant another host in the
/// list others are served.
/// </summary>
public static class Discovery
{
    /// <summary>Events listed: a few thousand upcoming events is what a sale site has; beyond, a sitemap index would page them.</summary>
    public const int SitemapLimit = 5_000;

    public static readonly TimeSpan SitemapLifetime = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The areas crawlers are asked to stay out of. A buyer's own pages (a booking and its checkout, tickets, payments,
    /// notifications) are not listed: sign-in keeps them private, as a crawler asking for one is sent to <c>/account/login</c>,
    /// which is listed; and a page a robots.txt line blocks is one that a search engine can still list by its address alone.
    /// </summary>
    private static readonly string[] Private = ["/account/", "/admin/", "/organizer/"];

    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/robots.txt", (HttpContext context) => TypedResults.Text(Robots(Origin(context.Request)), "text/plain", Encoding.UTF8))
            .WithName("Robots").AllowAnonymous();
        app.MapGet("/sitemap.xml", async (HttpContext context, SitemapSource source, EventsClient events, CancellationToken cancellationToken) =>
            TypedResults.Text(Sitemap(Origin(context.Request), await source.GetAsync(events, cancellationToken)), "application/xml", Encoding.UTF8))
            .WithName("Sitemap").AllowAnonymous();
        return app;
    }

    public static string Robots(string origin)
    {
        var robots = new StringBuilder("User-agent: *\n");
        foreach (var path in Private)
        {
            robots.Append(CultureInfo.InvariantCulture, $"Disallow: {path}\n");
        }

        return robots.Append(CultureInfo.InvariantCulture, $"\nSitemap: {origin}/sitemap.xml\n").ToString();
    }

    public static string Sitemap(string origin, IReadOnlyList<SitemapEntry> events)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            const string ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
            xml.WriteStartElement("urlset", ns);
            xml.WriteStartElement("url", ns);
            xml.WriteElementString("loc", ns, origin + "/");
            xml.WriteElementString("changefreq", ns, "hourly");
            xml.WriteEndElement();
            foreach (var entry in events)
            {
                xml.WriteStartElement("url", ns);
                xml.WriteElementString("loc", ns, $"{origin}/events/{entry.Id}");
                xml.WriteElementString("lastmod", ns, entry.UpdatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // XmlWriter over a StringBuilder declares UTF-16; the body is sent as UTF-8.
        return text.Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"").ToString();
    }

    private static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";
}

/// <summary>An event as the sitemap lists it.</summary>
public sealed record SitemapEntry(Guid Id, DateTimeOffset UpdatedAt);

/// <summary>The published upcoming events, read from events-api at most once per <see cref="Discovery.SitemapLifetime"/> (one reader at a time).</summary>
public sealed class SitemapSource(TimeProvider time) : IDisposable
{
    /// <summary>events-api's largest page.</summary>
    private const int PageSize = 100;

    private readonly SemaphoreSlim _reading = new(1, 1);
    private (DateTimeOffset ReadAt, IReadOnlyList<SitemapEntry> Entries)? _last;

    public async Task<IReadOnlyList<SitemapEntry>> GetAsync(EventsClient events, CancellationToken cancellationToken)
    {
        if (Fresh() is { } entries)
        {
            return entries;
        }

        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } read)
            {
                return read;
            }

            var list = new List<SitemapEntry>();
            for (var page = 1; list.Count < Discovery.SitemapLimit; page++)
            {
                var found = (await events.SearchAsync(new EventSearch(From: time.GetUtcNow(), Sort: "date", Page: page, PageSize: PageSize), cancellationToken)).Value;
                if (found is null)
                {
                    // events-api is away: the last list (if any) until it is back, else the home page alone, never an error page.
                    return _last?.Entries ?? list;
                }

                list.AddRange(found.Items.Where(e => e.Status == "Published").Select(e => new SitemapEntry(e.Id, e.UpdatedAt)));
                if (page >= found.PageCount())
                {
                    break;
                }
            }

            var complete = list.Count > Discovery.SitemapLimit ? list.GetRange(0, Discovery.SitemapLimit) : list;
            _last = (time.GetUtcNow(), complete);
            return complete;
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private IReadOnlyList<SitemapEntry>? Fresh() =>
        _last is { } last && time.GetUtcNow() - last.ReadAt < Discovery.SitemapLifetime ? last.Entries : null;
}
