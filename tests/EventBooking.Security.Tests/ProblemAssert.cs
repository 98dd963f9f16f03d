using System.Net;
using System.Text.Json;

namespace EventBooking.Security.Tests;

/// <summary>
/// What every refusal must look like: a ProblemDetails (RFC 9457) of the shared vocabulary with the status it was sent with, a
/// machine-readable <c>code</c> and <c>type</c> = the problem base URI + that code, never a 5xx and never a stack trace.
/// </summary>
public static class ProblemAssert
{
    /// <summary>Asserts a ProblemDetails answer with one of the given statuses; returns it.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, params HttpStatusCode[] statuses)
    {
        var text = await response.Content.ReadAsStringAsync(Requests.Ct);
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
        Assert.True(statuses.Contains(response.StatusCode), $"{what}: expected {string.Join("/", statuses.Select(s => (int)s))}, got {(int)response.StatusCode}: {Trim(text)}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{what}: {(int)response.StatusCode} is not ProblemDetails ({response.Content.Headers.ContentType}): {Trim(text)}");
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(problem.TryGetProperty("status", out var status) && status.GetInt32() == (int)response.StatusCode, $"{what}: status missing: {Trim(text)}");
        var code = EventBooking.Testing.Answers.CodeOf(problem);
        Assert.True(!string.IsNullOrEmpty(code), $"{what}: no '{Problems.CodeKey}' member: {Trim(text)}");
        Assert.True(problem.TryGetProperty("type", out var type) && type.GetString() == Problems.TypeBase + code,
            $"{what}: type is not {Problems.TypeBase}{code}: {Trim(text)}");
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        return problem;
    }

    /// <summary>Asserts a 400 validation ProblemDetails (code <c>validation</c>) naming <paramref name="field"/> among its errors.</summary>
    public static async Task IsValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var problem = await IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(Problems.ValidationCode, EventBooking.Testing.Answers.CodeOf(problem));
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(e => string.Equals(e.Name, field, StringComparison.OrdinalIgnoreCase)),
            $"errors should name '{field}': {problem}");
    }

    private static string Trim(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
