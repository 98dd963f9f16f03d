using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;

namespace EventBooking.Web.Extensions;

/// <summary>
/// How the web app's pages are delivered: the strict Content-Security-Policy (with the shared security headers), HSTS outside
/// Development, and the pages' cache policy. Static assets are <c>MapStaticAssets</c>' (fingerprinted, precompressed at
/// publish, cached for a year when fingerprinted).
/// </summary>
public static class WebDelivery
{
    /// <summary>
    /// Scripts only from this origin, never inline (Blazor's and MudBlazor's files; the JSON-LD block is data, which CSP does
    /// not govern); styles from this origin plus inline ones, which MudBlazor needs (its theme is a <c>&lt;style&gt;</c>
    /// element and its components set <c>style</c> attributes); images from this origin and <c>data:</c> (ticket QR codes);
    /// connections only to this origin (the circuit's WebSocket: CSP Level 3's <c>'self'</c> matches ws/wss of the same host,
    /// and Blazor's long-polling fallback is plain HTTP to it); nothing framed, framing nobody, forms and <c>&lt;base&gt;</c>
    /// only to this origin, no plugins.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; manifest-src 'self'; worker-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'";

    /// <summary>Cache-Control of a page for a signed-in person: their data never lands in any cache, nor in the back/forward cache.</summary>
    public const string SignedInPageCaching = "no-store";

    /// <summary>
    /// Cache-Control of a page for a visitor: never in a shared cache (the page carries the visitor's antiforgery token),
    /// revalidated before any reuse, and allowed in the browser's back/forward cache (which <c>no-store</c> forbids).
    /// </summary>
    public const string VisitorPageCaching = "private, no-cache";

    public static IHostApplicationBuilder AddWebDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        builder.Services.AddResponseCompression(options =>
        {
            // Pages only: static assets are precompressed at publish (MapStaticAssets), the circuit's frames are not HTML.
            options.EnableForHttps = true;
            options.MimeTypes = ["text/html"];
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        return builder;
    }

    /// <summary>
    /// Compresses the pages a visitor (nobody signed in) gets: the catalog and the event pages. A signed-in person's pages stay
    /// uncompressed (BREACH: their tickets' codes are secrets that stay the same from one response to the next, next to text
    /// a page may echo); a visitor's page holds no such secret (its antiforgery token is encrypted afresh for every response).
    /// Call after <c>UseAuthentication</c>.
    /// </summary>
    public static WebApplication UseVisitorPageCompression(this WebApplication app)
    {
        app.UseWhen(static context => context.User.Identity?.IsAuthenticated != true, static visitor => visitor.UseResponseCompression());
        return app;
    }

    /// <summary>Call first, right after <c>Build()</c>.</summary>
    public static WebApplication UseWebDelivery(this WebApplication app)
    {
        app.UseSecurityHeaders(ContentSecurityPolicy);
        if (!app.Environment.IsDevelopment())
        {
            // Sent on HTTPS requests only (browsers ignore it over HTTP) and never for localhost.
            app.UseHsts();
        }

        app.Use(static (context, next) =>
        {
            // Registered before anything that renders, so it runs after them (OnStarting callbacks run last-in, first-out)
            // and replaces antiforgery's "no-cache, no-store" on pages.
            context.Response.OnStarting(static state =>
            {
                var context = (HttpContext)state;
                if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    context.Response.Headers.CacheControl = context.User.Identity?.IsAuthenticated == true ? SignedInPageCaching : VisitorPageCaching;
                    context.Response.Headers.Remove(HeaderNames.Pragma);
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
