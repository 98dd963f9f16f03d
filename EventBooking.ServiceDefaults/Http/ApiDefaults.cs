using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// What every API (not the web app) adds to <see cref="Extensions.AddServiceDefaults{TBuilder}"/>, and its one request
/// pipeline: the client address (<see cref="TrustedForwarding"/>), security headers, problems for exceptions and bare status codes, authentication, authorization, rate limits,
/// and the OpenAPI documents (<see cref="ApiDocuments"/>) with their reference page in Development.
/// </summary>
public static class ApiDefaults
{
    /// <param name="describe">The service's title, description and tag descriptions for its OpenAPI documents.</param>
    public static TBuilder AddApiDefaults<TBuilder>(this TBuilder builder, Action<ApiDocumentation>? describe = null) where TBuilder : IHostApplicationBuilder
    {
        builder.AddServiceDefaults();
        builder.QuietHostWhenGeneratingDocuments();
        builder.Services.AddApiDocuments(describe);
        builder.AddTrustedForwarding();
        // A service adds its own limiter policies with AddRateLimiter; with none, the middleware lets everything through.
        builder.Services.AddRateLimiter(_ => { });
        return builder;
    }

    /// <param name="atTheDoor">
    /// What a service checks before a request's token is validated or its body read (load shedding): it runs after the
    /// security headers and the problem handlers, so that what it refuses is a proper problem.
    /// </param>
    public static WebApplication UseApiDefaults(this WebApplication app, Action<WebApplication>? atTheDoor = null)
    {
        // First, so that everything after it (limits, logs, audit) reads the person's address when the web forwarded it.
        app.UseTrustedForwarding();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        atTheDoor?.Invoke(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseApiTokenLimits();
        app.UseRateLimiter();
        if (app.Environment.IsDevelopment())
        {
            app.MapApiDocuments();
        }

        app.MapDefaultEndpoints();
        return app;
    }
}
