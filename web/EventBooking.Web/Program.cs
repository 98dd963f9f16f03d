using EventBooking.Web.Clients;
using EventBooking.Web.Components;
using EventBooking.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddWebDelivery();

var app = builder.Build();

// The security headers with the strict Content-Security-Policy, HSTS outside Development, the pages' cache policy.
app.UseWebDelivery();
// The user's language (culture cookie, else Accept-Language): before the error pages, so they speak it too.
app.UseWebLocalization();

// Friendly pages only, in every environment: no stack trace reaches a browser.
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseVisitorPageCompression();
app.UseAuthorization();
app.UseAntiforgery();
// Analytics' anonymous visitor id (a random id in a cookie; never an address).
app.UseVisitorCookie();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapCultureEndpoints();
app.MapOrganizerEndpoints();
app.MapWaitingListEndpoints();
app.MapEventEndpoints();
app.MapDiscoveryEndpoints();
// No page of ours may be framed, not even by ourselves: the policy of UseWebDelivery says frame-ancestors 'none', so Blazor
// adds no header of its own (its default would be a second policy, frame-ancestors 'self').
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);

app.Run();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
