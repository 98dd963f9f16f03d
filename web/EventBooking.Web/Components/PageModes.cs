using Microsoft.AspNetCore.Components.Routing;

namespace EventBooking.Web.Components;

/// <summary>
/// A page that a visitor (not signed in) is served rendered on the server only, with no circuit: the public pages where a
/// first visit must be fast (the catalog). A signed-in user gets it live, as every other page, for what only a circuit gives
/// (the notification bell, the navigation drawer on a phone). The page must therefore work both ways: plain forms and links.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ServerOnlyForVisitorsAttribute : Attribute;

/// <summary>Whether a request's page renders on the server only (no circuit), decided once for the document and its layout.</summary>
public static class PageModes
{
    /// <summary>
    /// True for pages excluded from interactive routing (sign-in, registration: they set cookies) and for
    /// <see cref="ServerOnlyForVisitorsAttribute"/> pages asked for by a visitor.
    /// </summary>
    public static bool IsServerOnly(HttpContext context) =>
        !context.AcceptsInteractiveRouting()
        || (context.GetEndpoint()?.Metadata.GetMetadata<ServerOnlyForVisitorsAttribute>() is not null
            && context.User.Identity?.IsAuthenticated != true);
}
