using EventBooking.Web.Components;
using EventBooking.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseSecurityHeaders();

// Friendly pages only, in every environment: no stack trace reaches a browser.
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapOrganizerEndpoints();
app.MapEventEndpoints();
app.MapDiscoveryEndpoints();
// No page of ours may be framed, not even by ourselves (Blazor's default is frame-ancestors 'self').
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = "'none'");

app.Run();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
