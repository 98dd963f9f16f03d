using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EventBooking.ServiceDefaults;

/// <summary>The response headers every EventBooking service and the web app send (OWASP API8, security misconfiguration).</summary>
public static class SecurityHeaders
{
    /// <summary>The APIs' policy: no response of ours may be framed (the development API reference keeps its scripts).</summary>
    public const string FrameAncestorsNone = "frame-ancestors 'none'";

    /// <summary>
    /// Adds to every response, errors and health probes included: <c>X-Content-Type-Options: nosniff</c>,
    /// <c>Referrer-Policy: strict-origin-when-cross-origin</c>, <c>X-Frame-Options: DENY</c> and
    /// <c>Content-Security-Policy: <paramref name="contentSecurityPolicy"/></c> (by default <see cref="FrameAncestorsNone"/>;
    /// the web app passes its strict page policy, which must forbid framing too) unless the endpoint set one itself.
    /// Kestrel's <c>Server</c> header is switched off in <c>AddServiceDefaults</c>. Call it first, right after <c>Build()</c>.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string contentSecurityPolicy = FrameAncestorsNone) => app.Use((context, next) =>
    {
        // On starting, so the headers survive the exception handler clearing a failed response.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = contentSecurityPolicy;
            }

            headers.Remove(HeaderNames.Server);
            headers.Remove("X-Powered-By");
            return Task.CompletedTask;
        });
        return next(context);
    });

    private static class HeaderNames
    {
        public const string ContentSecurityPolicy = "Content-Security-Policy";
        public const string Server = "Server";
    }
}
