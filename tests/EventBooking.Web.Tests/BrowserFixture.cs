using EventBooking.LocalHost;
using EventBooking.Testing;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The whole topology (LocalHost library, demo data seeded) plus one headless Debian chromium, shared by the browser tests.
/// Every service, the web included, exports its spans to a test OTLP receiver (<see cref="Otlp"/>).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly TopologyFixture _topology = new(seedDemoData: true, exportTraces: true);
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public Uri WebUrl => _topology.Topology.UrlOf(ResourceNames.Web);
    public TopologyFixture Topology => _topology;
    public OtlpReceiver Otlp => _topology.Otlp!;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await _topology.InitializeAsync();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A fresh browser context (its own cookies: one person) with a page on the web app.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = WebUrl.ToString(), AcceptDownloads = true });
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
    }
}
