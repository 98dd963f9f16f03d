using Microsoft.AspNetCore.Components.Endpoints;

namespace EventBooking.Web.Clients;

/// <summary>
/// The anonymous visitor id analytics counts unique visitors by (events-api, docs/contracts.md "Analytics"): a random id in
/// the <see cref="CookieName"/> cookie, set on the first page a browser opens, forwarded to events-api in <c>X-Visitor-Id</c>.
/// It names a browser, not a person, and no address is ever sent with it; signed-in people are counted by their user id.
/// </summary>
public static class VisitorCookie
{
    public const string CookieName = "eventbooking.visitor";

    private static readonly object ItemKey = new();

    /// <summary>Gives a page request without the cookie a new visitor id (pages only: static assets stay cookie-free and cacheable).</summary>
    public static WebApplication UseVisitorCookie(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && !Guid.TryParse(context.Request.Cookies[CookieName], out _))
            {
                var id = Guid.NewGuid().ToString("N");
                context.Items[ItemKey] = id;
                context.Response.Cookies.Append(CookieName, id, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, IsEssential = true, Path = "/",
                    MaxAge = TimeSpan.FromDays(365),
                });
            }

            return next(context);
        });
        return app;
    }

    /// <summary>The request's visitor id: its cookie, or the one just given to it.</summary>
    public static string? Of(HttpContext? context) =>
        context is null ? null
        : context.Items.TryGetValue(ItemKey, out var given) && given is string id ? id
        : Guid.TryParse(context.Request.Cookies[CookieName], out var cookie) ? cookie.ToString("N") : null;
}

/// <summary>
/// The visitor of this scope (the circuit's or the request's), set by <c>Routes</c>: the visitor id, and whether this render is
/// a prerender (a prerender's read of an event is repeated by the interactive render, so only the latter is a view; a page
/// rendered on the server only has no later render, so its read is the view).
/// </summary>
public sealed class VisitorContext
{
    public string? VisitorId { get; private set; }

    public bool IsPrerender { get; private set; }

    public void Set(string? visitorId, bool isPrerender) => (VisitorId, IsPrerender) = (visitorId, isPrerender);
}

/// <summary>Adds the visitor id to events-api calls, and marks a prerender's read of an event as not a view of its own.</summary>
public sealed class VisitorHandler(VisitorContext visitor) : DelegatingHandler
{
    public const string VisitorHeader = "X-Visitor-Id";
    public const string PrerenderHeader = "X-Analytics-Prerender";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(VisitorHeader);
        request.Headers.Remove(PrerenderHeader);
        if (visitor.VisitorId is { } id)
        {
            request.Headers.TryAddWithoutValidation(VisitorHeader, id);
        }

        if (visitor.IsPrerender && request.Method == HttpMethod.Get && IsEventRead(request.RequestUri))
        {
            request.Headers.TryAddWithoutValidation(PrerenderHeader, "true");
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary><c>/api/events/{id}</c> itself (not its availability, reviews or calendar).</summary>
    private static bool IsEventRead(Uri? uri)
    {
        var path = uri is null ? "" : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var segments = path.Trim('/').Split('/');
        return segments is ["api", "events", var id] && Guid.TryParse(id, out _);
    }
}
