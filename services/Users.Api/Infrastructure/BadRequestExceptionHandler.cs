using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Users.Api.Infrastructure;

/// <summary>
/// Turns request-binding failures (malformed JSON, wrong types, unknown fields, unbindable query values, oversized
/// bodies) into ProblemDetails naming the field, never a stack trace or a .NET type name.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        ProblemDetails problem;
        if (bad.StatusCode == StatusCodes.Status400BadRequest)
        {
            var (field, message) = Describe(bad);
            problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Title = "One or more validation errors occurred.",
                Status = StatusCodes.Status400BadRequest,
            };
        }
        else
        {
            problem = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "The request content type is not supported (use application/json).",
                    _ => "The request could not be read.",
                },
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

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
            return (match.Groups["name"].Value, "The value is not valid.");
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
