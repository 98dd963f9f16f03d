using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// The HTTP rules every service shares, so learning one teaches them all: ProblemDetails for every error (with <c>code</c>
/// and <c>traceId</c>, see <see cref="Problems"/>), one exception-to-problem mapping (<see cref="ProblemExceptionHandler"/>,
/// <see cref="TransientFailureExceptionHandler"/>), unreadable input answered 400 instead of 500, and one request-body limit
/// (<c>Http:MaxRequestBodyBytes</c>, 64 KiB by default; an endpoint that needs more says so with <c>WithRequestSizeLimit</c>).
/// </summary>
public static class HttpDefaults
{
    public const long DefaultMaxRequestBodyBytes = 64 * 1024;

    public static TBuilder AddHttpDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Problems the framework writes itself (status code pages: 401, 403, 404, 405, 415…) get a code like ours.
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey(Problems.CodeKey) && problem.Status is { } status)
            {
                var code = CodeOfStatus(status);
                problem.Extensions[Problems.CodeKey] = code;
                if (problem.Type is null || !problem.Type.StartsWith(Problems.TypeBase, StringComparison.Ordinal))
                {
                    problem.Type = Problems.TypeBase + code;
                }
            }
        });
        // Order matters: the database's transient failures first (503), then everything the request or the model caused.
        builder.Services.AddExceptionHandler<TransientFailureExceptionHandler>();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        var limit = builder.Configuration.GetValue("Http:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        builder.Services.Configure<KestrelServerOptions>(options =>
        {
            options.Limits.MaxRequestBodySize = limit;
            // No "Server: Kestrel" on responses (UseSecurityHeaders sets the rest).
            options.AddServerHeader = false;
        });
        return builder;
    }

    /// <summary>Allows a larger request body on one endpoint than the service's default.</summary>
    public static TBuilder WithRequestSizeLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(bytes));

    private static string CodeOfStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status401Unauthorized => "unauthenticated",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "payload-too-large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
        StatusCodes.Status429TooManyRequests => "too-many-requests",
        StatusCodes.Status503ServiceUnavailable => "temporarily-unavailable",
        _ => status >= 500 ? "internal-error" : "error",
    };
}
