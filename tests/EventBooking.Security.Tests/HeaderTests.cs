using System.Net;
using EventBooking.AppHost;

namespace EventBooking.Security.Tests;

/// <summary>OWASP API8 (security misconfiguration): every service and the web app send the hardening headers, even on errors.</summary>
public sealed class HeaderTests(SecurityFixture fixture)
{
    [Fact]
    public async Task Every_service_and_the_web_app_send_security_headers_and_no_server_banner()
    {
        var probes = new (string Service, string Path)[]
        {
            (ResourceNames.UsersApi, "/health"), (ResourceNames.UsersApi, "/api/users/me"), (ResourceNames.UsersApi, "/no-such-route"),
            (ResourceNames.EventsApi, "/api/events"), (ResourceNames.EventsApi, "/api/events/not-a-guid"),
            (ResourceNames.BookingsApi, "/api/bookings"), (ResourceNames.BookingsApi, "/alive"),
            (ResourceNames.NotificationsApi, "/api/notifications"), (ResourceNames.NotificationsApi, "/health"),
            (ResourceNames.Web, "/"), (ResourceNames.Web, "/account/login"), (ResourceNames.Web, "/no-such-page"),
        };
        var failures = new List<string>();
        foreach (var (service, path) in probes)
        {
            using var client = fixture.Client(service);
            using var response = await client.GetAsync(path, Requests.Ct);
            var where = $"{service} {path} ({(int)response.StatusCode})";
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{where}: server error");
            }

            Check(response, "X-Content-Type-Options", "nosniff", where, failures);
            Check(response, "X-Frame-Options", "DENY", where, failures);
            Check(response, "Referrer-Policy", "strict-origin-when-cross-origin", where, failures);
            if (!(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Any(v => v.Contains("frame-ancestors 'none'", StringComparison.Ordinal))))
            {
                failures.Add($"{where}: no Content-Security-Policy frame-ancestors 'none'");
            }

            if (response.Headers.Server.Count > 0 || response.Headers.Contains("X-Powered-By"))
            {
                failures.Add($"{where}: names its server ({response.Headers.Server})");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static void Check(HttpResponseMessage response, string header, string expected, string where, List<string> failures)
    {
        if (!(response.Headers.TryGetValues(header, out var values) && values.Contains(expected, StringComparer.OrdinalIgnoreCase)))
        {
            failures.Add($"{where}: {header} should be {expected}");
        }
    }
}
