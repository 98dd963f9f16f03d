using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventBooking.Web.Clients;

/// <summary>The answer of an API call: a value, or a problem.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem, HttpStatusCode Status)
{
    public bool IsSuccess => Problem is null;
}

internal static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<ApiResult<T>> SendAsync<T>(HttpClient http, HttpRequestMessage request, string service, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return new(default, ApiProblem.Unreachable(service), HttpStatusCode.ServiceUnavailable);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(default, ApiProblem.Unreachable(service), HttpStatusCode.GatewayTimeout);
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            return new(default, ApiProblem.Unreachable(service), HttpStatusCode.GatewayTimeout);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            return new(default, ApiProblem.Unreachable(service), HttpStatusCode.ServiceUnavailable);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                if (typeof(T) == typeof(NoBody) || response.StatusCode == HttpStatusCode.NoContent)
                {
                    return new(default, null, response.StatusCode);
                }

                if (typeof(T) == typeof(byte[]))
                {
                    // A file (an .ics), passed on as it came.
                    return new((T)(object)await response.Content.ReadAsByteArrayAsync(cancellationToken), null, response.StatusCode);
                }

                var value = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
                return new(value, null, response.StatusCode);
            }

            return new(default, await ReadProblemAsync(response, cancellationToken), response.StatusCode);
        }
    }

    public static Task<ApiResult<T>> GetAsync<T>(HttpClient http, string uri, string service, CancellationToken cancellationToken) =>
        SendAsync<T>(http, new HttpRequestMessage(HttpMethod.Get, uri), service, cancellationToken);

    public static Task<ApiResult<T>> SendJsonAsync<T>(HttpClient http, HttpMethod method, string uri, object? body, string service,
        CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return SendAsync<T>(http, request, service, cancellationToken);
    }

    /// <summary>The answer's problem, with its <c>code</c>; a friendly title by status where the answer has none.</summary>
    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ApiProblem? problem = null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ApiProblem>(Json, cancellationToken);
            }
            catch (JsonException)
            {
                problem = null;
            }
        }

        problem ??= new ApiProblem();
        // Without a title of its own, the page words it by its status (Format.Problem, in the user's language).
        return problem with { Status = (int)response.StatusCode };
    }
}

/// <summary>Marks calls whose answer has no body.</summary>
public sealed record NoBody;
