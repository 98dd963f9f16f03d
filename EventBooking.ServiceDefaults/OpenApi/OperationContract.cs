using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// Makes each operation say what it really answers, from what its endpoint declares: who may call it (security requirement and
/// a sentence; 401/403 when a policy applies), 400 where there is a parameter or a body, 413/415 where there is a body, 429 where
/// a rate limit applies, 503 everywhere (<see cref="TransientFailureExceptionHandler"/>). Statuses only the endpoint knows come
/// from its own metadata (<see cref="ProblemsMetadataExtensions.Refuses{TBuilder}"/>). The problem bodies themselves are given
/// their schema by <see cref="DocumentContract"/>.
/// </summary>
internal sealed class OperationContract : IOpenApiOperationTransformer
{
    public const string BearerScheme = "Bearer";
    /// <summary>An organizer's API token (<c>Authorization: Bearer ebk_…</c>), accepted by the operations that say so.</summary>
    public const string ApiTokenScheme = "ApiToken";
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (operation.RequestBody is null && metadata.OfType<DocumentedRequestBody>().LastOrDefault() is { } documentedBody)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [documentedBody.ContentType] = new() { Schema = await context.GetOrCreateSchemaAsync(documentedBody.Type, null, cancellationToken) },
                },
            };
        }

        var secured = !metadata.OfType<IAllowAnonymous>().Any() && metadata.OfType<IAuthorizeData>().Any();
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var rateLimited = metadata.OfType<EnableRateLimitingAttribute>().Any();
        var hasBody = operation.RequestBody is not null;
        var hasJsonBody = operation.RequestBody?.Content?.Keys.Any(m => m.Contains("json", StringComparison.OrdinalIgnoreCase)) == true;
        var hasInput = hasBody || operation.Parameters is { Count: > 0 };

        var apiToken = metadata.OfType<ApiTokenAccess>().LastOrDefault();
        operation.Security = secured
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }]
            // An empty requirement: callable without credentials.
            : [new OpenApiSecurityRequirement()];
        if (secured && apiToken is not null)
        {
            // Either credential: a person's access token, or an API token with the operation's scope.
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiTokenScheme, context.Document)] = [apiToken.Scope] });
        }

        operation.Responses ??= [];
        var responses = operation.Responses;
        if (hasInput)
        {
            AddProblem(responses, StatusCodes.Status400BadRequest,
                "A parameter or the body breaks its rule or cannot be read: `validation`, with `errors` naming each field " +
                "(`body` for malformed JSON, the parameter's name for a malformed id).");
        }

        if (hasBody)
        {
            AddProblem(responses, StatusCodes.Status413PayloadTooLarge, "The body is over the service's limit (`Http:MaxRequestBodyBytes`): `payload-too-large`.");
        }

        if (hasJsonBody)
        {
            AddProblem(responses, StatusCodes.Status415UnsupportedMediaType, "The body is not JSON: `unsupported-media-type`.");
        }

        if (secured)
        {
            AddProblem(responses, StatusCodes.Status401Unauthorized, apiToken is null
                ? "No bearer token, or one that is invalid or expired: `unauthenticated`."
                : "No bearer token, or one that is invalid or expired: `unauthenticated`; an unknown, revoked or expired API token: `api-token-invalid`.");
            AddProblem(responses, StatusCodes.Status403Forbidden, apiToken is null
                ? $"The token is valid but {Refused(policies)}: `forbidden`."
                : $"The token is valid but {Refused(policies)}: `forbidden`; an API token without the `{apiToken.Scope}` scope: " +
                    "`insufficient-scope`; one limited to another event: `api-token-other-event`.");
        }

        if (rateLimited || apiToken is not null)
        {
            AddProblem(responses, StatusCodes.Status429TooManyRequests, (rateLimited, apiToken) switch
            {
                (true, null) => "The caller's rate limit is used up; retry after `Retry-After` seconds: `too-many-requests`.",
                (false, _) => "The API token's rate limit is used up; retry after `Retry-After` seconds: `api-token-rate-limited`.",
                _ => "The caller's rate limit is used up (`too-many-requests`) or the API token's (`api-token-rate-limited`); retry after `Retry-After` seconds.",
            }).Headers = RetryAfter();
        }

        AddProblem(responses, StatusCodes.Status503ServiceUnavailable,
            "A dependency (the database, another service) is momentarily out of reach, or the service sheds load; nothing was done. " +
            "Retry after `Retry-After` seconds (with the same `Idempotency-Key` where one is used): `temporarily-unavailable`.")
            .Headers = RetryAfter();

        // The codes an endpoint declared for a status of its own.
        foreach (var codes in metadata.OfType<RefusalCodes>().GroupBy(c => c.StatusCode))
        {
            if (responses.TryGetValue(Key(codes.Key), out var response) && response is OpenApiResponse concrete)
            {
                var listed = string.Join(", ", codes.SelectMany(c => c.Codes).Distinct(StringComparer.Ordinal).Select(c => $"`{c}`"));
                concrete.Description = listed.Length == 0 ? concrete.Description : $"{ReasonPhrases.GetReasonPhrase(codes.Key)}: {listed}.";
            }
        }

        if (metadata.OfType<RequestExample>().LastOrDefault() is { } example && operation.RequestBody?.Content is { } content)
        {
            foreach (var media in content.Values)
            {
                media.Example = JsonNode.Parse(example.Json);
            }
        }

        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { In: ParameterLocation.Header, Name: IdempotencyKeyHeader } header && string.IsNullOrEmpty(header.Description))
            {
                header.Description = "Makes the request safe to retry: the same key answers the first result again (a half-done request " +
                    "continues, never repeats); the same key with a different body is `422 idempotency-key-reused`.";
            }
        }

        // Statuses in order, whoever added them.
        var ordered = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (status, response) in ordered)
        {
            responses[status] = response;
        }

        var access = secured ? $"**Access:** {Who(policies)} (bearer token)." : "**Access:** anyone; no token needed.";
        if (secured && apiToken is not null)
        {
            access += $" **API tokens** with the `{apiToken.Scope}` scope are accepted" +
                (apiToken.EventRouteValue is null ? "." : $" (a token limited to one event: only for that event's `{apiToken.EventRouteValue}`).");
        }

        operation.Description = string.IsNullOrWhiteSpace(operation.Description) ? access : $"{operation.Description.TrimEnd()}\n\n{access}";
    }

    /// <summary>Adds a problem answer for <paramref name="status"/> unless the endpoint documents it already.</summary>
    private static OpenApiResponse AddProblem(OpenApiResponses responses, int status, string description)
    {
        if (responses.TryGetValue(Key(status), out var existing) && existing is OpenApiResponse response)
        {
            if (string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(status))
            {
                response.Description = description;
            }

            return response;
        }

        response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [DocumentContract.ProblemMediaType] = new() },
        };
        responses[Key(status)] = response;
        return response;
    }

    private static Dictionary<string, IOpenApiHeader> RetryAfter() => new()
    {
        ["Retry-After"] = new OpenApiHeader
        {
            Description = "Seconds to wait before retrying.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
        },
    };

    private static string Key(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Who(IReadOnlyList<string> policies) => policies.Count == 0
        ? "any valid token"
        : string.Join("; and ", policies.Select(policy => policy switch
        {
            Policies.User => "a signed-in person (attendee, organizer or admin; not a service identity)",
            Policies.Organizer => "an organizer or an admin",
            Policies.Admin => "an admin",
            Policies.Internal => "a service identity (OAuth2 client credentials, scope `eventbooking.internal`); end-user tokens are refused",
            Policies.AdminOrInternal => "an admin or a service identity",
            _ => $"policy `{policy}`",
        }));

    private static string Refused(IReadOnlyList<string> policies) => policies switch
    {
        [Policies.User] => "belongs to a service identity, or the object is not the caller's",
        [] => "does not allow this",
        _ => $"is not {Who(policies)}, or the object is not the caller's",
    };
}
