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
/// a <c>securitypolicyviolation</c> event nor a console error), the event page's JSON-LD block included.
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
            page.Response += (_, response) =>
            {
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
            if (path.StartsWith("/events/", StringComparison.Ordinal))
            {
                // Data, not script: the policy does not govern it, and the browser must not report it either.
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
}
