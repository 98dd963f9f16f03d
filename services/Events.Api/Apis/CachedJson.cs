using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Events.Api.Apis;

/// <summary>
/// A 200 whose JSON body of type <typeparamref name="T"/> was serialized once and cached (see
/// <see cref="Infrastructure.CatalogCache"/>): the bytes are written as they are. OpenAPI still describes the body as
/// <typeparamref name="T"/>, and tests can read <see cref="Utf8Json"/>.
/// </summary>
public sealed class CachedJson<T>(ReadOnlyMemory<byte> utf8Json) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public ReadOnlyMemory<byte> Utf8Json { get; } = utf8Json;

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = Utf8Json.Length;
        await response.BodyWriter.WriteAsync(Utf8Json, httpContext.RequestAborted);
    }

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
