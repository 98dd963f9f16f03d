using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// The one place where an exception becomes a ProblemDetails answer, in every service: a request that cannot be read
/// (malformed JSON, a value of the wrong type, an unparsable id or query value: 400 with the field; too large: 413; not JSON:
/// 415), a rule of the model saying no (<see cref="DomainException"/>: the status of its kind, its code), and a lost race on the
/// same row (409 <c>concurrent-update</c>). Anything else is not handled here (a transient database failure has its own
/// handler; the rest is a 500 without details).
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            DomainException domain => Problems.ToProblemDetails(domain.Error),
            DbUpdateConcurrencyException => Problems.ToProblemDetails(new Error("concurrent-update", ErrorKind.Conflict,
                "The resource changed at the same time; read it again and retry.")),
            _ => null,
        };
        if (problem is null || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status400BadRequest)
        {
            var (field, message) = Describe(bad);
            var validation = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Type = Problems.TypeBase + Problems.ValidationCode,
                Title = "One or more fields are not valid.",
                Status = StatusCodes.Status400BadRequest,
            };
            validation.Extensions[Problems.CodeKey] = Problems.ValidationCode;
            return validation;
        }

        var (code, detail) = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ("payload-too-large", "The request body is too large."),
            StatusCodes.Status415UnsupportedMediaType => ("unsupported-media-type", "The request content type is not supported (use application/json)."),
            _ => ("bad-request", "The request could not be read."),
        };
        var problem = new ProblemDetails { Type = Problems.TypeBase + code, Title = Problems.TitleOf(code), Status = bad.StatusCode, Detail = detail };
        problem.Extensions[Problems.CodeKey] = code;
        return problem;
    }

    /// <summary>Which field could not be read, from the JSON path or the parameter binding failure.</summary>
    private static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = FieldFromPath(json.Path);
            return (field, field == "body"
                ? "The request body is not valid JSON of the expected shape."
                : "The value is malformed, of the wrong type, or not an accepted field.");
        }

        var match = BindFailure().Match(bad.Message);
        if (match.Success)
        {
            return (match.Groups["name"].Value, match.Groups["type"].Value is "Guid" or "System.Guid"
                ? "Not a valid id (expected a GUID)."
                : "The value is not valid.");
        }

        return ("body", "A valid JSON request body is required.");
    }

    /// <summary><c>$.email</c> → <c>email</c>; <c>$.roles[3]</c> → <c>roles[3]</c>; <c>$</c> → <c>body</c>.</summary>
    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        field = field.Trim('[', ']', '\'');
        return field.Length is 0 or > 100 ? "body" : field;
    }

    [GeneratedRegex("""parameter "(?<type>[^"]+) (?<name>[A-Za-z_][A-Za-z0-9_]*)" from""", RegexOptions.CultureInvariant)]
    private static partial Regex BindFailure();
}
