using System.Collections.Concurrent;
using EventBooking.Testing;
using EventBooking.Web.Extensions;
using Microsoft.Playwright;
using Xunit;

namespace EventBooking.Web.Tests;

/// <summary>
/// The strict Content-Security-Policy (<see cref="WebDelivery.ContentSecurityPolicy"/>: no inline script, connections to the
/// app's own origin only) leaves every page working: each page, visited as a visitor, an attendee who pays in the browser, an
/// organizer and an admin, carries the policy, its interactive circuit connects, and the browser reports no violation (neither
/// a <c>securitypolicyviolation</c> event nor a console error), the event page's JSON-LD block included; no script error and
/// no script or stylesheet that failed to load either.
/// </summary>
public sealed partial class BrowserTests
{
    private const string ReportViolations = """
        document.addEventListener('securitypolicyviolation', e =>
            window.reportCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
        """;

    [Fact]
    public async Task Every_page_works_under_the_strict_content_security_policy_and_the_browser_reports_no_violation()
    {
        var violations = new ConcurrentQueue<string>();
        var wrongPolicies = new ConcurrentQueue<string>();
        var documents = 0;
        async Task WatchAsync(IPage page)
        {
            await page.ExposeFunctionAsync("reportCspViolation", (string violation) => violations.Enqueue($"{page.Url}: {violation}"));
            await page.AddInitScriptAsync(ReportViolations);
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                {
                    violations.Enqueue($"{page.Url}: console {message.Type}: {message.Text}");
                }
            };
            page.PageError += (_, error) => violations.Enqueue($"{page.Url}: script error: {error}");
            page.Response += (_, response) =>
            {
                if (response.Request.ResourceType is "script" or "stylesheet" or "fetch" or "manifest" && response.Status >= 400)
                {
                    // A script or stylesheet the page could not load breaks it as surely as a refused one.
                    violations.Enqueue($"{page.Url}: {response.Request.ResourceType} {response.Url} answered {response.Status}");
                }

                if (response.Request.ResourceType == "document" && response.Status is < 300 or >= 400)
                {
                    Interlocked.Increment(ref documents);
                    if (response.Headers.GetValueOrDefault("content-security-policy") != WebDelivery.ContentSecurityPolicy)
                    {
                        wrongPolicies.Enqueue($"{response.Url} ({response.Status}): {response.Headers.GetValueOrDefault("content-security-policy") ?? "no policy"}");
                    }
                }
            };
        }

        IPage? eventPage = null;
        var visits = await VisitEveryPageAsync(WatchAsync, async (page, path, _) =>
        {
            if (path.StartsWith("/events/", StringComparison.Ordinal) && path.Count(c => c == '/') == 2)
            {
                // An event's page (not its line's). Data, not script: the policy does not govern it, and the browser must not report it either.
                Assert.Equal(1, await page.Locator("script[type='application/ld+json']").CountAsync());
                eventPage = page;
            }
        });

        Assert.Equal(EveryPageVisits, visits);
        Assert.True(documents >= EveryPageVisits, $"only {documents} documents seen");
        Assert.True(wrongPolicies.IsEmpty, "Pages without the strict policy:\n" + string.Join("\n", wrongPolicies));
        Assert.True(violations.IsEmpty, "Content-Security-Policy violations:\n" + string.Join("\n", violations));

        // The watch itself works and the policy bites: an injected inline script is refused and reported.
        await GoToAsync(eventPage!, "/");
        await eventPage!.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.append(s); }");
        await Assertions.Expect(eventPage.Locator("body")).ToBeVisibleAsync();
        await Poll.UntilAsync(() => violations.Any(v => v.Contains("script-src", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the injected script's violation report", TestContext.Current.CancellationToken);
        Assert.False(await eventPage.EvaluateAsync<bool>("() => window.injected === true"));
    }

    [Fact]
    public async Task A_visitors_pages_are_compressed_and_kept_only_privately_and_a_signed_in_persons_pages_neither()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.WebUrl };
        using var visitor = new HttpRequestMessage(HttpMethod.Get, "/");
        visitor.Headers.Add("Accept-Encoding", "br, gzip");
        using var visitorPage = await http.SendAsync(visitor, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, visitorPage.StatusCode);
        Assert.Equal(WebDelivery.VisitorPageCaching, visitorPage.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("br", Assert.Single(visitorPage.Content.Headers.ContentEncoding));

        // The same page for a signed-in person (the browser's session cookie): never stored, never compressed.
        var page = await SignInAsync(DemoData.AttendeeEmail);
        var cookies = string.Join("; ", (await page.Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        foreach (var path in new[] { "/", "/bookings" })
        {
            using var signedIn = new HttpRequestMessage(HttpMethod.Get, path);
            signedIn.Headers.Add("Accept-Encoding", "br, gzip");
            signedIn.Headers.Add("Cookie", cookies);
            using var signedInPage = await http.SendAsync(signedIn, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, signedInPage.StatusCode);
            Assert.Equal(WebDelivery.SignedInPageCaching, signedInPage.Headers.NonValidated["Cache-Control"].ToString());
            Assert.Empty(signedInPage.Content.Headers.ContentEncoding);
            Assert.Contains("data-testid=\"user-name\"", await signedInPage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        // The stylesheet's address is fingerprinted (a year's caching outside Development: bench/Lighthouse checks it); HSTS is
        // for the Production configuration only (this is Development).
        var stylesheet = await page.Locator("link[rel=stylesheet][href*='MudBlazor']").GetAttributeAsync("href");
        Assert.Matches(@"^lib/mudblazor/MudBlazor\.min\.\w+\.css$", stylesheet);
        Assert.False(visitorPage.Headers.Contains("Strict-Transport-Security"));
    }
}
