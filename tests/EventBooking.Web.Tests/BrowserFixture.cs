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
    private readonly Lock _lock = new();
    private readonly List<ContextLog> _contexts = [];
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
        var log = new ContextLog(context);
        lock (_lock)
        {
            _contexts.Add(log);
        }

        return await context.NewPageAsync();
    }

    /// <summary>
    /// Ends the current test's browsing: when it failed, writes to its output what each of its pages showed (address, title,
    /// problems on the page), what its browser was still waiting for, and its recent errors, and saves a screenshot of each page;
    /// then closes every context the test opened, so that no earlier test's pages (and their circuits in the web) outlive it.
    /// </summary>
    public async Task EndTestAsync()
    {
        ContextLog[] contexts;
        lock (_lock)
        {
            contexts = [.. _contexts];
            _contexts.Clear();
        }

        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        var output = TestContext.Current.TestOutputHelper;
        var test = TestContext.Current.Test?.TestDisplayName ?? "test";
        for (var i = 0; i < contexts.Length; i++)
        {
            if (failed && output is not null)
            {
                try
                {
                    await contexts[i].DescribeAsync(output, $"{test}-{i}");
                }
                catch (PlaywrightException e)
                {
                    output.WriteLine($"context {i}: could not be described ({e.Message.Split('\n')[0]})");
                }
            }

            try
            {
                await contexts[i].Context.CloseAsync();
            }
            catch (PlaywrightException)
            {
                // Its browser was closed by the test (e.g. the camera's browser).
            }
        }
    }

    /// <summary>What one browser context did that helps explain a failure: requests still open, recent errors.</summary>
    private sealed class ContextLog
    {
        private const int Keep = 20;
        private readonly Lock _lock = new();
        private readonly Dictionary<IRequest, DateTime> _open = [];
        private readonly Queue<string> _recent = new();

        public ContextLog(IBrowserContext context)
        {
            Context = context;
            context.Request += (_, request) => { lock (_lock) { _open[request] = DateTime.UtcNow; } };
            context.RequestFinished += (_, request) => { lock (_lock) { _open.Remove(request); } };
            context.RequestFailed += (_, request) =>
            {
                lock (_lock)
                {
                    _open.Remove(request);
                }

                Note($"request failed: {request.Method} {request.Url} ({request.Failure})");
            };
            context.Response += (_, response) =>
            {
                if (response.Status >= 500)
                {
                    Note($"{response.Status} from {response.Request.Method} {response.Url}");
                }
            };
            context.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning")
                {
                    Note($"console {message.Type}: {message.Text}");
                }
            };
            context.WebError += (_, error) => Note($"page error: {error.Error}");
            context.FrameNavigated += (_, frame) =>
            {
                if (frame.ParentFrame is null)
                {
                    Note($"navigated to {frame.Url}");
                }
            };
        }

        public IBrowserContext Context { get; }

        private void Note(string what)
        {
            lock (_lock)
            {
                _recent.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
                while (_recent.Count > Keep)
                {
                    _recent.Dequeue();
                }
            }
        }

        public async Task DescribeAsync(ITestOutputHelper output, string name)
        {
            var now = DateTime.UtcNow;
            string[] open, recent;
            lock (_lock)
            {
                open = [.. _open.Select(r => $"{r.Key.Method} {r.Key.Url} for {(now - r.Value).TotalSeconds:0.0} s")];
                recent = [.. _recent];
            }

            output.WriteLine($"--- browser context {name} at {now:HH:mm:ss.fff}");
            foreach (var page in Context.Pages)
            {
                var problems = await page.Locator("[data-testid=problem], .mud-alert-text-error, .validation-message").AllInnerTextsAsync();
                output.WriteLine($"page {page.Url} \"{await page.TitleAsync()}\"" +
                    (problems.Count > 0 ? $" showing: {string.Join(" | ", problems.Select(p => p.ReplaceLineEndings(" ")))}" : ""));
                var file = Path.Combine(ScreenshotDirectory, "failures", $"{string.Concat(name.Split(Path.GetInvalidFileNameChars()))}.png");
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, Timeout = 5_000 });
            }

            foreach (var line in open)
            {
                output.WriteLine($"still waiting: {line}");
            }

            foreach (var line in recent)
            {
                output.WriteLine(line);
            }
        }
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
