using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// The document-wide part of the contract: title and description, the security schemes, tag descriptions, no server addresses
/// (the same document wherever it is generated: at build time or by a running replica), one <c>Problem</c> schema (and
/// <c>ValidationProblem</c>) for every error answer, binary answers described as binary.
/// </summary>
internal sealed class DocumentContract(ApiDocumentation documentation) : IOpenApiDocumentTransformer
{
    public const string ProblemMediaType = "application/problem+json";
    public const string ProblemSchema = "Problem";
    public const string ValidationProblemSchema = "ValidationProblem";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var audience = context.DocumentName switch
        {
            ApiDocuments.Public => "Public operations: what clients outside the platform (the web app, integrators) may call.",
            ApiDocuments.Internal => "Service-to-service operations (`/internal/...`): service identities only, never end-user tokens.",
            _ => "Every route of the service, public and service-to-service (the route inventory).",
        };
        document.Info = new OpenApiInfo
        {
            Title = documentation.Title,
            Version = "v1",
            Description = $"{documentation.Description.TrimEnd()}\n\n{audience}\n\n" +
                "Every error is an RFC 9457 problem (`application/problem+json`) whose `code` says why (the catalogue is in " +
                "docs/contracts.md), with the request's `traceId`; lists are pages `{ items, page, pageSize, totalCount }`.",
        };
        document.Servers = [];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [OperationContract.BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from users-api: `POST /api/users/login` for people, `POST /connect/token` " +
                    "(client credentials) for service identities.",
            },
            [OperationContract.ApiTokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "ebk_ API token",
                Description = "An organizer's API token for an integration (`POST /api/users/me/api-tokens` in users-api), sent as " +
                    "`Authorization: Bearer ebk_…`. Accepted only by operations that list it, with the scope they name; refused (401 " +
                    "`api-token-not-accepted`) by every other operation and by all account management. Revocation takes effect within 1 s.",
            },
        };

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[ProblemSchema] = Problem();
        document.Components.Schemas[ValidationProblemSchema] = ValidationProblem(document);

        var usedTags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var operation in Operations(document))
        {
            foreach (var tag in operation.Tags ?? Enumerable.Empty<OpenApiTagReference>())
            {
                if (tag.Name is { } name)
                {
                    usedTags.Add(name);
                }
            }

            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (response is not OpenApiResponse concrete)
                {
                    continue;
                }

                if (status.Length == 3 && status[0] is '4' or '5')
                {
                    // Every error answer is a problem of our one shape, as problem+json (what the shared handlers write), and also as
                    // any other JSON media type the endpoint declared for it (the document says what is sent).
                    var schema = status == "400" ? ValidationProblemSchema : ProblemSchema;
                    var declared = concrete.Content?.Keys.Where(m => m.Contains("json", StringComparison.OrdinalIgnoreCase)) ?? [];
                    concrete.Content = declared.Prepend(ProblemMediaType).Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(
                        mediaType => mediaType, _ => new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema, document) }, StringComparer.Ordinal);
                    continue;
                }

                foreach (var (mediaType, media) in concrete.Content ?? new Dictionary<string, OpenApiMediaType>())
                {
                    // Images and files are bytes, whatever type the endpoint declared them with.
                    if (!mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
                    {
                        media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                    }
                }
            }
        }

        // The framework's own problem schemas are replaced by ours everywhere.
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        document.Components.Schemas.Remove("Stream");

        document.Tags = new HashSet<OpenApiTag>(usedTags.Select(name => new OpenApiTag
        {
            Name = name,
            Description = documentation.Tags.TryGetValue(name, out var description) ? description : null,
        }));
        return Task.CompletedTask;
    }

    private static IEnumerable<OpenApiOperation> Operations(OpenApiDocument document) =>
        (document.Paths ?? []).Values.SelectMany(path => path.Operations?.Values ?? (IEnumerable<OpenApiOperation>)[]);

    /// <summary>RFC 9457 with our members (<c>code</c>, <c>traceId</c>); any other member is allowed (e.g. <c>paymentId</c>).</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. Read `code` (stable, kebab-case; docs/contracts.md lists them), never `type` or `title`. " +
            "Some problems carry more members (e.g. `paymentId`; the token endpoint's `error` and `error_description`).",
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "`https://eventbooking.dev/problems/<code>`." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Fixed per code, for people." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "What happened this time, for people." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Why: the machine-readable reason.", Examples = [JsonValue.Create("sold-out")] },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace (W3C), for support." },
        },
        Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "code", "traceId" },
        AdditionalPropertiesAllowed = true,
    };

    /// <summary>A <c>validation</c> problem: <see cref="Problem"/> plus <c>errors</c> (field → messages).</summary>
    private static OpenApiSchema ValidationProblem(OpenApiDocument document) => new()
    {
        Description = "A `validation` problem: `errors` maps each field that broke its rule to its messages.",
        AllOf =
        [
            new OpenApiSchemaReference(ProblemSchema, document),
            new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                {
                    ["errors"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    },
                },
            },
        ],
    };
}
