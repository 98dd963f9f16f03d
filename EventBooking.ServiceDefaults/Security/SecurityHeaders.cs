using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EventBooking.ServiceDefaults;

/// <summary>The response headers every EventBooking service and the web app send (OWASP API8, security misconfiguration).</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Adds to every response, errors and health probes included: <c>X-Content-Type-Options: nosniff</c>,
    /// <c>Referrer-Policy: strict-origin-when-cross-origin</c>, <c>X-Frame-Options: DENY</c> and
    /// <c>Content-Security-Policy: frame-ancestors 'none'</c> (no page of ours may be framed; nothing else is restricted,
    /// so Blazor's scripts and the development API reference keep working). Kestrel's <c>Server</c> header is switched
    /// off in <c>AddServiceDefaults</c>. Call it first, right after <c>Build()</c>.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        // On starting, so the headers survive the exception handler clearing a failed response.
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            }

            headers.Remove(HeaderNames.Server);
            headers.Remove("X-Powered-By");
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    });

    private static class HeaderNames
    {
        public const string ContentSecurityPolicy = "Content-Security-Policy";
        public const string Server = "Server";
    }
}
