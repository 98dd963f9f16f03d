using EventBooking.AppHost;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The whole system started from the AppHost (demo data seeded) plus one headless Debian chromium, shared by the browser tests.
/// The Aspire dashboard runs too: every service, the web included, exports its telemetry to it (<see cref="Telemetry"/>).
/// Derive to start another topology (<see cref="ScaleOutBrowserFixture"/>).
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private readonly TopologyFixture _topology;
    private IPlaywright? _playwright;

    public BrowserFixture()
        : this(new TopologyFixture(seedDemoData: true, dashboard: true))
    {
    }

    protected BrowserFixture(TopologyFixture topology) => _topology = topology;

    public IBrowser Browser { get; private set; } = null!;
    public Uri WebUrl => _topology.System.UrlOf(ResourceNames.Web);
    public TopologyFixture Topology => _topology;
    /// <summary>What the Aspire dashboard received from every service, the web included.</summary>
    public DashboardTelemetry Telemetry => _topology.System.Telemetry;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await _topology.InitializeAsync();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchBrowserAsync();
    }

    /// <summary>Another headless chromium, with <paramref name="args"/> besides the usual ones (e.g. a fake camera); dispose it.</summary>
    public Task<IBrowser> LaunchBrowserAsync(params string[] args) => _playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", .. args],
    });

    /// <summary>A fresh browser context (its own cookies: one person) with a page on the web app (or on <paramref name="site"/>).</summary>
    public Task<IPage> NewPageAsync(Uri? site = null) => NewPageAsync(Browser, site: site);

    /// <summary>A fresh context of <paramref name="browser"/> with a page on the web app, granted <paramref name="grant"/> (e.g. "camera").</summary>
    public async Task<IPage> NewPageAsync(IBrowser browser, IEnumerable<string>? grant = null, Uri? site = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (site ?? WebUrl).ToString(),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            Permissions = grant?.ToList(),
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _topology.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
