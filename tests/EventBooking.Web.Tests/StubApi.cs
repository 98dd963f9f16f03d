using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace EventBooking.Web.Tests;

/// <summary>
/// Stands in for the services in component tests: answers each request path (whatever its query) with what a service would
/// send, written with the services' own types where the test can (ServiceDefaults' <see cref="Paged{T}"/> and
/// <see cref="Problems"/>), and records what was asked.
/// </summary>
public sealed class StubApi : HttpMessageHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, Func<HttpResponseMessage>> _answers = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private readonly Dictionary<string, string> _bodies = new(StringComparer.Ordinal);

    /// <summary>The body of the last request <paramref name="request"/> (<c>POST /api/bookings</c>) sent, or null.</summary>
    public string? BodyOf(string request)
    {
        lock (_requests)
        {
            return _bodies.GetValueOrDefault(request);
        }
    }

    /// <summary>What was asked, in order: method, path and query (<c>GET /api/notifications/unread-count</c>).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public HttpClient Client() => new(this, disposeHandler: false) { BaseAddress = new Uri("http://stub.test/") };

    /// <summary>Answers <paramref name="path"/> with 200 and <paramref name="body"/> as JSON.</summary>
    public StubApi Ok(string path, object body) => Raw(path, HttpStatusCode.OK, JsonSerializer.Serialize(body, Json), "application/json");

    /// <summary>Answers <paramref name="path"/> with the problem a service writes for <paramref name="error"/>.</summary>
    public StubApi Refuse(string path, Error error) => Refuse(path, Problems.ToProblemDetails(error));

    public StubApi Refuse(string path, ProblemDetails problem) =>
        Raw(path, (HttpStatusCode)problem.Status!.Value, JsonSerializer.Serialize(problem, problem.GetType(), Json), "application/problem+json");

    /// <summary>Answers <paramref name="path"/> with exactly <paramref name="body"/>.</summary>
    public StubApi Raw(string path, HttpStatusCode status, string body, string mediaType) => On(path, () => new HttpResponseMessage(status)
    {
        Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType)),
    });

    /// <summary>Requests to <paramref name="path"/> get no answer at all (the service is down).</summary>
    public StubApi Unreachable(string path) => On(path, () => throw new HttpRequestException("Connection refused (stub.test)"));

    private StubApi On(string path, Func<HttpResponseMessage> answer)
    {
        _answers[path] = answer;
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_requests)
        {
            _requests.Add($"{request.Method} {uri.PathAndQuery}");
            if (body is not null)
            {
                _bodies[$"{request.Method} {uri.PathAndQuery}"] = body;
            }
        }

        var answer = _answers.TryGetValue(uri.AbsolutePath, out var found)
            ? found
            : () => new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        return answer();
    }
}
