using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// The one ProblemDetails (RFC 9457) vocabulary of every service: <c>type</c> is <see cref="TypeBase"/> + the code, <c>code</c>
/// carries the code itself (read it, never the URI), <c>title</c> is fixed per code, <c>detail</c> says what happened this
/// time, and every answer has the request's <c>traceId</c>. The catalogue of codes is in docs/contracts.md.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://eventbooking.dev/problems/";

    /// <summary>The extension member with the machine-readable code.</summary>
    public const string CodeKey = "code";

    /// <summary>The code of a request that broke field rules (with <c>errors</c> per field).</summary>
    public const string ValidationCode = "validation";

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.Declined => StatusCodes.Status402PaymentRequired,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.TooMany => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind a status stands for (for a client reading another service's answer).</summary>
    public static ErrorKind KindOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ErrorKind.Unauthenticated,
        StatusCodes.Status402PaymentRequired => ErrorKind.Declined,
        StatusCodes.Status403Forbidden => ErrorKind.Forbidden,
        StatusCodes.Status404NotFound => ErrorKind.NotFound,
        StatusCodes.Status409Conflict => ErrorKind.Conflict,
        StatusCodes.Status412PreconditionFailed => ErrorKind.PreconditionFailed,
        StatusCodes.Status422UnprocessableEntity => ErrorKind.Unprocessable,
        StatusCodes.Status429TooManyRequests => ErrorKind.TooMany,
        >= 500 => ErrorKind.Unavailable,
        _ => ErrorKind.Invalid,
    };

    /// <summary>The problem for a refusal; <paramref name="extensions"/> adds members (e.g. a payment id).</summary>
    public static ProblemHttpResult For(Error error, IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        TypedResults.Problem(ToProblemDetails(error, extensions));

    public static ProblemHttpResult NotFound(string what) => For(Error.NotFound(what));

    public static ProblemHttpResult Forbidden(string detail) => For(Error.Forbidden(detail));

    /// <summary>Field errors (400): <c>errors</c> maps each field to its messages.</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "One or more fields are not valid.", type: TypeBase + ValidationCode,
            extensions: new Dictionary<string, object?> { [CodeKey] = ValidationCode });

    /// <summary>One message per field (a model's validation that stops at each field's first error).</summary>
    public static ValidationProblem Validation(IReadOnlyDictionary<string, string> errors) =>
        Validation(errors.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal));

    /// <summary>Field errors for one field.</summary>
    public static ValidationProblem Validation(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemDetails ToProblemDetails(Error error, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + error.Code,
            Title = TitleOf(error.Code),
            Status = StatusOf(error.Kind),
            Detail = error.Detail,
        };
        problem.Extensions[CodeKey] = error.Code;
        foreach (var (key, value) in error.Members.Concat(extensions ?? []))
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    /// <summary>
    /// The code of a problem another service answered with: its <c>code</c> member, else the last segment of its <c>type</c>
    /// (for problems written by the framework itself), else null.
    /// </summary>
    public static string? CodeOf(ProblemDetails? problem)
    {
        if (problem is null)
        {
            return null;
        }

        if (problem.Extensions.TryGetValue(CodeKey, out var code))
        {
            return code switch
            {
                string text => text,
                JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
                _ => null,
            };
        }

        return problem.Type is { } type && type.StartsWith(TypeBase, StringComparison.Ordinal) ? type[TypeBase.Length..] : null;
    }

    /// <summary>The fixed title of a code: <c>sold-out</c> → "Sold out".</summary>
    public static string TitleOf(string code) =>
        code.Length == 0 ? "Error" : char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' ').Replace('_', ' ');
}
