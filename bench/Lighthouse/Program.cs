// bench/Lighthouse: Lighthouse, mobile with its default (simulated) throttling, on the home page, an event page and the checkout
// (an unpaid booking's pay page, signed in), served by the web's published Release build in the Production environment.
//   bash bench/Lighthouse/run.sh [--runs N]          (installs Lighthouse, publishes the web, builds and runs this)
//   dotnet bench/Lighthouse/bin/Release/net10.0/Lighthouse.Bench.dll --web PUBLISHED_DLL [--runs N] [--results DIR] [--serve] [--browser-cpus LIST]
//   (--browser-cpus: chromium runs on these CPUs (taskset's list); run.sh gives it the last CPU and this program the others)
//   (--serve: no Lighthouse run; the system and the published web stay up, the pages' addresses printed, until Ctrl+C)
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EventBooking.AppHost;
using EventBooking.Bench;
using EventBooking.Testing;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

var root = RepositoryRoot();
var runs = int.Parse(Arg("--runs") ?? "3", CultureInfo.InvariantCulture);
var webDll = Path.GetFullPath(Arg("--web") ?? Path.Combine(root, "bench/Lighthouse/bin/web/EventBooking.Web.dll"));
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var results = Path.GetFullPath(Arg("--results") ?? Path.Combine(root, "bench/Lighthouse/results", stamp));
var lighthouse = Path.Combine(root, "bench/Lighthouse/node_modules/lighthouse/package.json");
var runner = Path.Combine(root, "bench/Lighthouse/lighthouse.mjs");
var browserCpus = Arg("--browser-cpus");
// Where the browser ran, beside where the rest did: on a shared machine the servers' work otherwise lands in the page's tasks.
var cpuPlacement = browserCpus is null
    ? $"the browser shared the CPUs ({OwnCpus()}) with the servers"
    : $"chromium on CPU {browserCpus} alone, the servers, this program and Lighthouse's node on CPU {OwnCpus()} (`taskset`)";
foreach (var required in new[] { webDll, lighthouse, "/usr/bin/chromium" })
{
    if (!File.Exists(required))
    {
        Console.Error.WriteLine($"Missing {required}: run bench/Lighthouse/run.sh (it installs and publishes what this needs).");
        return 2;
    }
}

Directory.CreateDirectory(results);
using var data = new TempDirectory("eventbooking-bench-lighthouse");
// The APIs as a deployment runs them, with the demo data (Staging: seeded outside Production only), as bench/Load does.
var environment = new Dictionary<string, string?>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Staging",
    ["DOTNET_ENVIRONMENT"] = "Staging",
    ["Tickets__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    ["Logging__LogLevel__Default"] = "Warning",
};
Log($"Starting the system from the AppHost ({ServiceBuild.Own}) under {data.Path}; load average {LoadAverage()}; {cpuPlacement} ...");
await using var system = await SystemUnderTest.StartAsync(new SystemUnderTestOptions { DataDirectory = data.Path, SeedDemoData = true, Environment = environment });
Log($"System up in {system.StartTime.TotalSeconds:0.0} s; the APIs run their {ServiceBuild.Verify(system, ResourceNames.Apis)} build.");

// The web as deployed: its published build, Production, given what the AppHost gave its own web (which is then stopped).
var webEnvironment = system.EnvironmentOf(ResourceNames.Web).ToDictionary();
await system.StopAsync(ResourceNames.Web);
var webUrl = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
webEnvironment["ASPNETCORE_ENVIRONMENT"] = "Production";
webEnvironment["DOTNET_ENVIRONMENT"] = "Production";
webEnvironment["ASPNETCORE_URLS"] = webUrl.ToString().TrimEnd('/');
webEnvironment.Remove("ASPNETCORE_HTTP_PORTS");
var webLog = Path.Combine(results, "web.log");
using var web = Start("dotnet", [webDll], Path.GetDirectoryName(webDll)!, webEnvironment, webLog);
try
{
    using var http = new HttpClient { BaseAddress = webUrl, Timeout = TimeSpan.FromSeconds(30) };
    await Poll.UntilAsync(async () => (await TryGetAsync(http, "/health")) == HttpStatusCode.OK, TimeSpan.FromMinutes(1), "the published web to answer /health");
    Log($"Published web (Production) at {webUrl} ({webDll}).");

    // The checkout: the demo attendee's unpaid booking of the demo event, opened with their web session's cookie.
    using var users = system.CreateClient(ResourceNames.UsersApi);
    var attendee = await users.LoginAsync(DemoData.AttendeeEmail, DemoData.Password);
    using var events = system.CreateClient(ResourceNames.EventsApi);
    var found = await events.GetFromJsonAsync<JsonElement>("/api/events?q=Stand-up&pageSize=1");
    var eventId = found.GetProperty("items")[0].GetProperty("id").GetGuid();
    using var bookings = system.CreateClient(ResourceNames.BookingsApi).SignedIn(attendee.AccessToken);
    var bookingId = (await bookings.BookAsync(eventId)).GetProperty("id").GetGuid();
    var cookie = await SignInAsync(webUrl, DemoData.AttendeeEmail, DemoData.Password);

    (string Name, string Path, string? Cookie)[] pages = [("home", "/", null), ("event", $"/events/{eventId}", null), ("checkout", $"/bookings/{bookingId}", cookie)];
    foreach (var (_, path, pageCookie) in pages)
    {
        // The server warm (JIT, connection pools, the catalog cache), as a deployment is after its first visitors.
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (pageCookie is not null)
            {
                request.Headers.Add("Cookie", pageCookie);
            }

            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK || response.RequestMessage?.RequestUri?.AbsolutePath != path.Split('?')[0])
            {
                throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} at {response.RequestMessage?.RequestUri}.");
            }
        }
    }

    if (args.Contains("--serve"))
    {
        // For profiling by hand: the same system and published web, left running with the pages' addresses until Ctrl+C.
        foreach (var (name, path, pageCookie) in pages)
        {
            Log($"{name}: {new Uri(webUrl, path)}{(pageCookie is null ? "" : $" (cookie {pageCookie})")}");
        }

        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        Log("Serving; Ctrl+C (or SIGTERM) stops.");
        await stop.Task;
        return 0;
    }

    var rows = new List<Row>();
    foreach (var (name, path, pageCookie) in pages)
    {
        for (var run = 1; run <= runs; run++)
        {
            var load = LoadAverage();
            var output = Path.Combine(results, $"{name}-{run}");
            var report = await LighthouseAsync(new Uri(webUrl, path), output, pageCookie);
            var landed = new Uri(report.GetProperty("finalDisplayedUrl").GetString()!).AbsolutePath;
            if (landed != path)
            {
                throw new InvalidOperationException($"Lighthouse measured {landed}, not {path} (a redirect: signed out?). See {output}.report.html");
            }

            var row = Row.From(name, path, run, report, load, LoadAverage());
            rows.Add(row);
            Log(row.Line());
        }
    }

    var summary = Summary(rows, runs, webDll, cpuPlacement);
    await File.WriteAllTextAsync(Path.Combine(results, "summary.md"), summary);
    var latest = Path.Combine(root, "bench/Lighthouse/results");
    if (Path.GetDirectoryName(results) == latest)
    {
        await File.WriteAllTextAsync(Path.Combine(latest, "latest.md"), summary.Replace("](", $"]({stamp}/", StringComparison.Ordinal));
    }

    Console.WriteLine();
    Console.WriteLine(summary);
    return rows.All(r => r.Meets) ? 0 : 1;
}
finally
{
    if (!web.HasExited)
    {
        web.Kill(entireProcessTree: true);
        await web.WaitForExitAsync();
    }
}

async Task<JsonElement> LighthouseAsync(Uri url, string output, string? cookie)
{
    // lighthouse.mjs: Lighthouse's defaults (mobile, simulated throttling) in a fresh chromium that reaches loopback only.
    List<string> arguments = [runner, url.ToString(), output, .. cookie is null ? Array.Empty<string>() : [cookie]];
    var browser = browserCpus is null
        ? new Dictionary<string, string?> { ["CHROME_PATH"] = "/usr/bin/chromium" }
        : new Dictionary<string, string?> { ["CHROME_PATH"] = Path.Combine(root, "bench/Lighthouse/chromium-on-cpu.sh"), ["BROWSER_CPUS"] = browserCpus };
    using var process = Start("node", arguments, root, browser, output + ".log");
    await process.WaitForExitAsync();
    if (process.ExitCode != 0 || !File.Exists(output + ".report.json"))
    {
        throw new InvalidOperationException($"Lighthouse failed on {url} (exit {process.ExitCode}): see {output}.log");
    }

    using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output + ".report.json"));
    // Kept gzipped (the HTML report embeds the same data, readable as it is); an empty log is not kept.
    await using (var source = File.OpenRead(output + ".report.json"))
    await using (var target = new System.IO.Compression.GZipStream(File.Create(output + ".report.json.gz"), System.IO.Compression.CompressionLevel.SmallestSize))
    {
        await source.CopyToAsync(target);
    }

    File.Delete(output + ".report.json");
    if (new FileInfo(output + ".log").Length == 0)
    {
        File.Delete(output + ".log");
    }

    return json.RootElement.Clone();
}

static async Task<string> SignInAsync(Uri web, string email, string password)
{
    // The static SSR sign-in form, as a browser posts it: its hidden fields (antiforgery token, form name) and the two inputs.
    var cookies = new CookieContainer();
    using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = web };
    var page = await client.GetStringAsync("/account/login");
    // The page has other forms (the language switcher, with its own antiforgery token): only the sign-in form's fields.
    var form = Regex.Matches(page, "<form[^>]*>.*?</form>", RegexOptions.Singleline).Select(m => m.Value)
        .Single(f => f.Contains("name=\"Input.Email\"", StringComparison.Ordinal));
    var fields = Regex.Matches(form, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")
        .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
    fields["Input.Email"] = email;
    fields["Input.Password"] = password;
    using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    var session = cookies.GetCookies(web)["eventbooking.session"];
    if (response.StatusCode != HttpStatusCode.Redirect || session is null)
    {
        throw new InvalidOperationException($"Signing in to the web answered {(int)response.StatusCode} without a session cookie.");
    }

    return $"{session.Name}={session.Value}";
}

static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
{
    try
    {
        using var response = await http.GetAsync(path);
        return response.StatusCode;
    }
    catch (HttpRequestException)
    {
        return null;
    }
}

static Process Start(string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment, string log)
{
    var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    foreach (var (key, value) in environment)
    {
        start.Environment[key] = value;
    }

    var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
    var writer = new StreamWriter(log, append: true) { AutoFlush = true };
    var gate = new Lock();
    void Write(string? line)
    {
        if (line is not null)
        {
            lock (gate)
            {
                writer.WriteLine(line);
            }
        }
    }

    process.OutputDataReceived += (_, e) => Write(e.Data);
    process.ErrorDataReceived += (_, e) => Write(e.Data);
    process.Exited += (_, _) => writer.Dispose();
    process.EnableRaisingEvents = true;
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static string Summary(List<Row> rows, int runs, string webDll, string cpuPlacement)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"# Lighthouse {rows[0].Version}, mobile, default throttling — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"The web's published Release build (`{Path.GetFileName(webDll)}`) in the Production environment on loopback, the APIs, PostgreSQL, RabbitMQ and Redis");
    text.AppendLine(CultureInfo.InvariantCulture, $"from the AppHost (demo data); {runs} run(s) per page on a shared {MachineCpus()}-core machine; {cpuPlacement}. Targets: every category ≥ 0.95, LCP < 2.5 s, CLS < 0.1.");
    text.AppendLine();
    text.AppendLine("| page | run | performance | accessibility | best practices | SEO | FCP s | LCP s | TBT ms | CLS | SI s | host benchmarkIndex | load avg (1 min) before → after | report |");
    text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var r in rows)
    {
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Page} | {r.Run} | {r.Performance:0.00} | {r.Accessibility:0.00} | {r.BestPractices:0.00} | {r.Seo:0.00} | {r.Fcp / 1000:0.00} | {r.Lcp / 1000:0.00} | {r.Tbt:0} | {r.Cls:0.000} | {r.Si / 1000:0.00} | {r.BenchmarkIndex:0}{(r.SlowHost ? " (slow)" : "")} | {r.LoadBefore} → {r.LoadAfter} | [html]({r.Page}-{r.Run}.report.html) |");
    }

    text.AppendLine();
    text.AppendLine("Medians per page:");
    text.AppendLine();
    foreach (var page in rows.GroupBy(r => r.Page))
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var verdict = page.All(r => r.Meets) ? "meets every target" : "misses: " + string.Join("; ", page.SelectMany(r => r.Misses).Distinct());
        text.AppendLine(CultureInfo.InvariantCulture,
            $"- **{page.Key}** (`{page.First().Path}`): performance {Median(page.Select(r => r.Performance)):0.00}, accessibility {Median(page.Select(r => r.Accessibility)):0.00}, best practices {Median(page.Select(r => r.BestPractices)):0.00}, SEO {Median(page.Select(r => r.Seo)):0.00}; LCP {Median(page.Select(r => r.Lcp)) / 1000:0.00} s, CLS {Median(page.Select(r => r.Cls)):0.000} — {verdict}");
    }

    // Lighthouse measures the host's CPU before each run; its CLI warns at or below this value that the 4× slowdown then
    // stands for a slower phone than intended (core/gather/driver/environment.js). The Node API it runs under here does not.
    var slow = rows.Where(r => r.SlowHost).ToList();
    text.AppendLine();
    var slowRuns = slow.Count == 0 ? "none." : string.Create(CultureInfo.InvariantCulture,
        $"{slow.Count} of {rows.Count} ({string.Join(", ", slow.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Page} #{r.Run} at {r.BenchmarkIndex:0}: performance {r.Performance:0.00}")))}). They count in every verdict above.");
    text.AppendLine(CultureInfo.InvariantCulture,
        $"Host CPU as Lighthouse measured it before each run (`benchmarkIndex`): {rows.Min(r => r.BenchmarkIndex):0}–{rows.Max(r => r.BenchmarkIndex):0}. Runs at or below {Row.SlowHostBenchmarkIndex}, where Lighthouse's CLI warns that the host's CPU is slower than it expects and the performance score may suffer: {slowRuns}");

    var failing = rows.SelectMany(r => r.FailingAudits).GroupBy(a => a).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ({g.Count()}/{rows.Count})").ToList();
    text.AppendLine();
    text.AppendLine("Audits that did not pass (scored below 0.9 in a weighted category), in how many runs: " + (failing.Count == 0 ? "none." : string.Join(", ", failing) + "."));
    return text.ToString();
}

static void Log(string message) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

// The machine's CPUs, not this process's: run.sh pins this program to all but the browser's (Environment.ProcessorCount counts those).
static int MachineCpus() => File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal));

static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

// The CPUs this process may run on (and the processes it starts, unless placed elsewhere), as the kernel lists them.
static string OwnCpus() => File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

static string RepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "EventBooking.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
}

/// <summary>One Lighthouse run of one page: its four category scores, its metrics and the load average around it.</summary>
internal sealed record Row(string Page, string Path, int Run, string Version, double Performance, double Accessibility, double BestPractices, double Seo,
    double Fcp, double Lcp, double Tbt, double Cls, double Si, double BenchmarkIndex, string LoadBefore, string LoadAfter, IReadOnlyList<string> FailingAudits)
{
    /// <summary>Lighthouse's <c>SLOW_CPU_BENCHMARK_INDEX_THRESHOLD</c>: a host at or below it is about half the CPU its throttling assumes.</summary>
    public const double SlowHostBenchmarkIndex = 1000;

    public bool SlowHost => BenchmarkIndex <= SlowHostBenchmarkIndex;

    public IEnumerable<string> Misses =>
        new[] { ("performance", Performance), ("accessibility", Accessibility), ("best practices", BestPractices), ("SEO", Seo) }
            .Where(c => c.Item2 < 0.95).Select(c => $"{c.Item1} {c.Item2:0.00}")
            .Concat(Lcp >= 2500 ? [$"LCP {Lcp / 1000:0.00} s"] : [])
            .Concat(Cls >= 0.1 ? [$"CLS {Cls:0.000}"] : []);

    public bool Meets => !Misses.Any();

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Page} #{Run}: performance {Performance:0.00}, accessibility {Accessibility:0.00}, best practices {BestPractices:0.00}, SEO {Seo:0.00}; FCP {Fcp / 1000:0.00} s, LCP {Lcp / 1000:0.00} s, TBT {Tbt:0} ms, CLS {Cls:0.000} (host benchmarkIndex {BenchmarkIndex:0}{(SlowHost ? ", slower than Lighthouse expects" : "")}; load average {LoadBefore} → {LoadAfter})");

    public static Row From(string page, string path, int run, JsonElement report, string loadBefore, string loadAfter)
    {
        var categories = report.GetProperty("categories");
        var audits = report.GetProperty("audits");
        double Score(string category) => categories.GetProperty(category).GetProperty("score").GetDouble();
        double Metric(string audit) => audits.GetProperty(audit).TryGetProperty("numericValue", out var v) ? v.GetDouble() : double.NaN;
        var failing = new List<string>();
        foreach (var category in categories.EnumerateObject())
        {
            foreach (var reference in category.Value.GetProperty("auditRefs").EnumerateArray().Where(a => a.GetProperty("weight").GetDouble() > 0))
            {
                var audit = audits.GetProperty(reference.GetProperty("id").GetString()!);
                if (audit.GetProperty("score").ValueKind == JsonValueKind.Number && audit.GetProperty("score").GetDouble() < 0.9)
                {
                    failing.Add(audit.GetProperty("id").GetString()!);
                }
            }
        }

        return new Row(page, path, run, report.GetProperty("lighthouseVersion").GetString()!, Score("performance"), Score("accessibility"),
            Score("best-practices"), Score("seo"), Metric("first-contentful-paint"), Metric("largest-contentful-paint"), Metric("total-blocking-time"),
            Metric("cumulative-layout-shift"), Metric("speed-index"), report.GetProperty("environment").GetProperty("benchmarkIndex").GetDouble(),
            loadBefore, loadAfter, failing);
    }
}
