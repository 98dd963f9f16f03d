using System.Text.Json;
using System.Text.Json.Nodes;

namespace EventBooking.Contract.Tests;

/// <summary>What kind of untruth a finding is.</summary>
public enum FindingKind
{
    /// <summary>The answer's status is not among the operation's documented responses.</summary>
    UndocumentedStatus,
    /// <summary>The answer has a body of a media type the documented response does not list.</summary>
    UndocumentedMediaType,
    /// <summary>The answer has a body where the document promises none.</summary>
    BodyWhereNoneDocumented,
    /// <summary>The document promises a body and the answer has none.</summary>
    MissingBody,
    /// <summary>The body is not valid against the documented schema.</summary>
    SchemaViolation,
    /// <summary>The operation is in a document but the conformance catalogue does not know how to call it.</summary>
    NotCatalogued,
    /// <summary>The valid call was not answered as expected (a 2xx, or the status its catalogue line names): the catalogue or the service is wrong.</summary>
    ValidCallRefused,
}

public sealed record Finding(FindingKind Kind, string Operation, string Case, int? Status, string Detail)
{
    public override string ToString() => $"{Kind}: {Operation} [{Case}]{(Status is { } s ? $" → {s}" : "")}: {Detail}";
}

/// <summary>Checks one real answer against what its operation documents: status, media type, body.</summary>
public static class Conformance
{
    public static async Task<IReadOnlyList<Finding>> CheckAsync(DocumentedOperation operation, string caseName, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var documented = operation.Response(status);
        Finding Found(FindingKind kind, string detail) => new(kind, operation.Key, caseName, status, detail);

        if (documented is null)
        {
            var listed = string.Join(", ", (operation.Node["responses"] as JsonObject ?? []).Select(kv => kv.Key));
            return [Found(FindingKind.UndocumentedStatus, $"documented: {listed}; body: {Excerpt(body)}")];
        }

        var content = documented["content"] as JsonObject;
        if (body.Length == 0)
        {
            return content is { Count: > 0 } && status != 204 && response.RequestMessage?.Method != HttpMethod.Head
                ? [Found(FindingKind.MissingBody, $"documented {string.Join(", ", content.Select(kv => kv.Key))}, got an empty body")]
                : [];
        }

        if (content is null or { Count: 0 })
        {
            return [Found(FindingKind.BodyWhereNoneDocumented, $"{mediaType}: {Excerpt(body)}")];
        }

        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            return [Found(FindingKind.UndocumentedMediaType, $"got {mediaType ?? "no Content-Type"}, documented {string.Join(", ", content.Select(kv => kv.Key))}")];
        }

        if (!mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) || media["schema"] is not { } schema)
        {
            return [];
        }

        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return [Found(FindingKind.SchemaViolation, $"not JSON ({ex.Message}): {Excerpt(body)}")];
        }

        var errors = operation.Document.Validate(schema, json);
        return errors.Count == 0 ? [] : [Found(FindingKind.SchemaViolation, $"{string.Join("; ", errors)} — body: {Excerpt(body)}")];
    }

    private static string Excerpt(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
