using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;

namespace EventBooking.ServiceDefaults;

/// <summary>What a service says about itself in its OpenAPI documents: a title, a description, and a sentence per tag.</summary>
public sealed class ApiDocumentation
{
    public string Title { get; set; } = "EventBooking API";

    public string Description { get; set; } = "";

    /// <summary>Tag name → what the operations under it are about.</summary>
    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The OpenAPI documents of every API, one truthful shape for all (see docs/contracts.md "OpenAPI documents"):
/// <list type="bullet">
/// <item><c>public</c> (<c>/openapi/public.json</c>): every operation a client outside may call; committed as <c>openapi/&lt;service&gt;.json</c>.</item>
/// <item><c>internal</c> (<c>/openapi/internal.json</c>): the service-to-service routes (<c>/internal/...</c>); committed as <c>openapi/&lt;service&gt;.internal.json</c>.</item>
/// </list>
/// Every document gets the same transformers: security schemes and per-operation requirements from the endpoint's authorization
/// metadata, every problem status an operation can answer with one problem schema that admits our members, descriptions.
/// </summary>
public static class ApiDocuments
{
    public const string Public = "public";
    public const string Internal = "internal";

    /// <summary>The path prefix of service-to-service routes (without the leading slash, as ApiExplorer writes paths).</summary>
    private const string InternalPrefix = "internal/";

    public static IServiceCollection AddApiDocuments(this IServiceCollection services, Action<ApiDocumentation>? describe)
    {
        var documentation = new ApiDocumentation();
        describe?.Invoke(documentation);
        services.AddOpenApi(Public, options => Configure(options, documentation, description => !IsInternal(description)));
        services.AddOpenApi(Internal, options => Configure(options, documentation, IsInternal));
        return services;
    }

    /// <summary>In Development: the two documents at <c>/openapi/{name}.json</c> and Scalar's reference page on the public and internal ones.</summary>
    public static WebApplication MapApiDocuments(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(options => options
            .AddDocument(Public, "Public", isDefault: true).AddDocument(Internal, "Service to service"));
        return app;
    }

    public static bool IsInternal(ApiDescription description) =>
        description.RelativePath?.StartsWith(InternalPrefix, StringComparison.OrdinalIgnoreCase) == true;

    private static void Configure(OpenApiOptions options, ApiDocumentation documentation, Func<ApiDescription, bool> include)
    {
        options.ShouldInclude = include;
        options.AddOperationTransformer(new OperationContract());
        options.AddDocumentTransformer(new DocumentContract(documentation));
    }
}
