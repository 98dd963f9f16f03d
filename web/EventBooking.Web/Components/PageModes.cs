using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Components.Routing;

namespace EventBooking.Web.Components;

/// <summary>
/// A page that a visitor (not signed in) is served rendered on the server only, with no circuit: the public pages where a
/// first visit must be fast (the catalog). A signed-in user gets it live, as every other page, for what only a circuit gives
/// (the notification bell, the navigation drawer on a phone). The page must therefore work both ways: plain forms and links.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ServerOnlyForVisitorsAttribute : Attribute;

/// <summary>
/// Whether a request's document and layout render on the server only (no circuit for them), decided once for the document and
/// its layout; and whether the page is an island, live on its own in such a layout.
/// </summary>
/// <remarks>
/// A page that names its own render mode (<c>@rendermode InteractiveServer</c>) is an island when it is the first page of a
/// visit (opened from a link or an email, or reloaded): only the page, the bell and MudBlazor's providers start live, so the
/// circuit's first render replaces the page alone and not the whole layout (the checkout). Reached by a link inside a circuit,
/// the same page renders inside the live layout, as every page does.
/// </remarks>
public static class PageModes
{
    /// <summary>
    /// True for pages excluded from interactive routing (sign-in, registration: they set cookies), for
    /// <see cref="ServerOnlyForVisitorsAttribute"/> pages asked for by a visitor, and for island pages (<see cref="IsIsland"/>).
    /// </summary>
    public static bool IsServerOnly(HttpContext context) =>
        !context.AcceptsInteractiveRouting()
        || IsIsland(context)
        || (context.GetEndpoint()?.Metadata.GetMetadata<ServerOnlyForVisitorsAttribute>() is not null
            && context.User.Identity?.IsAuthenticated != true);

    /// <summary>Whether the requested page is live on its own in a layout rendered on the server only.</summary>
    public static bool IsIsland(HttpContext context) =>
        context.AcceptsInteractiveRouting()
        && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type.GetCustomAttribute<RenderModeAttribute>() is not null;
}
