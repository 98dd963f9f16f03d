using System.Net;
using System.Text.Json;

namespace EventBooking.Testing;

/// <summary>A service answered something other than what a step of a test or benchmark needs (not what the test asserts).</summary>
public sealed class UnexpectedAnswerException(string message) : Exception(message);

/// <summary>Reading the answers the helpers of this library expect.</summary>
public static class Answers
{
    /// <summary>The JSON body of an answer with <paramref name="expected"/> status; anything else throws, with the body.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != expected)
        {
            throw new UnexpectedAnswerException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode} instead of {(int)expected}: {Trim(text)}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The <c>id</c> of the JSON body of an answer with <paramref name="expected"/> status.</summary>
    public static async Task<Guid> ReadIdAsync(this HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default) =>
        (await response.ReadJsonAsync(expected, cancellationToken)).GetProperty("id").GetGuid();

    /// <summary>The machine-readable <c>code</c> of a ProblemDetails answer (never read from the <c>type</c> URI), or null.</summary>
    public static string? CodeOf(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(Problems.CodeKey, out var code) && code.ValueKind == JsonValueKind.String
            ? code.GetString()
            : null;

    private static string Trim(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
