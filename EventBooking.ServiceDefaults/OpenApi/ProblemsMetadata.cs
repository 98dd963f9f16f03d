using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace EventBooking.ServiceDefaults;

/// <summary>The problem codes an endpoint answers with one status (docs/contracts.md), for its OpenAPI document.</summary>
public sealed record RefusalCodes(int StatusCode, IReadOnlyList<string> Codes);

/// <summary>An example request body for the OpenAPI document (JSON, serialized with the web defaults).</summary>
public sealed record RequestExample(string Json);

/// <summary>
/// A request body the handler reads itself (e.g. a form through <c>HttpRequest</c>), for the document only: unlike
/// <c>Accepts&lt;T&gt;</c> it adds no content-type constraint to routing, so the handler keeps answering other bodies itself.
/// </summary>
public sealed record DocumentedRequestBody(Type Type, string ContentType);

public static class ProblemsMetadataExtensions
{
    /// <summary>
    /// Declares a refusal only the endpoint knows about (404, 409, 422…): a problem (<c>application/problem+json</c>) with
    /// <paramref name="statusCode"/> and, for the document's reader, the <paramref name="codes"/> it may carry. Statuses every
    /// endpoint of a kind answers (400, 401, 403, 413, 415, 429, 503) are added by the document transformers themselves.
    /// </summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, int statusCode, params string[] codes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(
            new ProducesResponseTypeMetadata(statusCode, typeof(ProblemDetails), ["application/problem+json"]),
            new RefusalCodes(statusCode, codes));

    /// <summary>Documents a request body the handler reads itself (see <see cref="DocumentedRequestBody"/>).</summary>
    public static TBuilder WithDocumentedRequestBody<TBuilder, TBody>(this TBuilder builder, string contentType) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DocumentedRequestBody(typeof(TBody), contentType));

    /// <summary>An example of the request body, shown in the OpenAPI document.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object example) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExample(JsonSerializer.Serialize(example, JsonSerializerOptions.Web)));
}
