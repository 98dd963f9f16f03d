using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace EventBooking.Contract.Tests;

/// <summary>One operation of a document: its method, path template and OpenAPI object.</summary>
public sealed record DocumentedOperation(ApiDocument Document, string Method, string Path, JsonObject Node)
{
    public string Key => $"{Document.Service} {Method} {Path}";

    public IReadOnlyList<string> PathParameters =>
        [.. (Node["parameters"] as JsonArray ?? []).OfType<JsonObject>().Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!)];

    public bool IsAnonymous => Node["security"] is JsonArray security && security.All(r => r is JsonObject { Count: 0 });

    /// <summary>The media types of the request body (empty without one).</summary>
    public IReadOnlyList<string> RequestMediaTypes => [.. (Node["requestBody"]?["content"] as JsonObject ?? []).Select(kv => kv.Key)];

    public JsonObject? Response(int status) =>
        Node["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] as JsonObject
        ?? Node["responses"]?[$"{status / 100}XX"] as JsonObject
        ?? Node["responses"]?["default"] as JsonObject;

    public override string ToString() => Key;
}

/// <summary>
/// An OpenAPI 3.1 document of one service (public or internal), and JSON Schema 2020-12 validators for the schemas it documents
/// (<c>#/components/schemas/X</c> references resolved against its own components).
/// </summary>
public sealed class ApiDocument(string service, string name, JsonObject root)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public string Service { get; } = service;

    /// <summary><c>public</c> or <c>internal</c>.</summary>
    public string Name { get; } = name;

    public JsonObject Root { get; } = root;

    /// <summary>The committed file of this document: <c>openapi/users-api.json</c>, <c>openapi/users-api.internal.json</c>.</summary>
    public string FileName => Name == "public" ? $"{Service}.json" : $"{Service}.{Name}.json";

    public IEnumerable<DocumentedOperation> Operations =>
        from path in Root["paths"] as JsonObject ?? []
        from method in Methods
        let node = path.Value?[method] as JsonObject
        where node is not null
        select new DocumentedOperation(this, method.ToUpperInvariant(), path.Key, node);

    /// <summary>Validates <paramref name="body"/> against <paramref name="schema"/> (a schema object of this document); the errors, none when valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode schema, JsonElement body)
    {
        var text = schema.ToJsonString();
        var validator = _schemas.GetOrAdd(text, _ => Build(schema));
        var result = validator.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return [];
        }

        return [.. (result.Details ?? [result])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
            .Distinct(StringComparer.Ordinal)
            .Take(10)];
    }

    /// <summary>The schema with every component beside it in <c>$defs</c> (references rewritten to point there).</summary>
    private JsonSchema Build(JsonNode schema)
    {
        var root = Rewrite(schema.DeepClone()) as JsonObject ?? new JsonObject();
        var defs = new JsonObject();
        foreach (var (key, value) in Root["components"]?["schemas"] as JsonObject ?? [])
        {
            defs[key] = Rewrite(value!.DeepClone());
        }

        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = defs;
        return JsonSchema.FromText(root.ToJsonString(), baseUri: new Uri($"https://contract.eventbooking.test/{Guid.NewGuid():N}"));
    }

    private static JsonNode? Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value is JsonValue reference && reference.GetValue<string>() is { } target
                        && target.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        obj[key] = "#/$defs/" + target["#/components/schemas/".Length..];
                    }
                    else
                    {
                        Rewrite(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Rewrite(item);
                }

                break;
        }

        return node;
    }
}
