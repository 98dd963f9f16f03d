using System.Net;
using System.Text.Json;

namespace EventBooking.Testing;

/// <summary>One span as the Aspire dashboard received it (ids as lower-case hex; <see cref="Kind"/> as OTLP numbers it, see <see cref="SpanKinds"/>).</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind)
{
    /// <summary>The span's attributes that have a string value (e.g. <c>url.path</c>, <c>url.full</c>, <c>http.route</c>).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public override string ToString() => $"{Service}:{Name}(kind {Kind}, span {SpanId}, parent {(ParentSpanId.Length == 0 ? "none" : ParentSpanId)})";
}

/// <summary>OTLP's <c>Span.SpanKind</c> numbers.</summary>
public static class SpanKinds
{
    public const int Internal = 1;
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;
}

/// <summary>
/// What the Aspire dashboard received from the services, read through its telemetry API (<c>/api/telemetry/…</c>, OTLP JSON):
/// the same data the dashboard's Traces page shows. The system under test runs with <c>Dashboard = true</c>.
/// </summary>
public sealed class DashboardTelemetry(Uri dashboard) : IDisposable
{
    // Generous: a loaded machine's dashboard can take more than 30 s to serve 10,000 spans (seen in a fresh-clone CI run).
    private readonly HttpClient _http = new() { BaseAddress = dashboard, Timeout = TimeSpan.FromMinutes(2) };

    public Uri Dashboard { get; } = dashboard;

    /// <summary>
    /// Every span of one trace; empty while the dashboard has none of it, or while it is too busy to say (a 5xx, seen in CI on
    /// 2026-12-07): callers poll, and the dashboard is the tests' instrument, not the product.
    /// </summary>
    public async Task<List<ReceivedSpan>> TraceAsync(string traceId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync($"/api/telemetry/traces/{traceId}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound || (int)response.StatusCode >= 500)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        return Read(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>
    /// The <paramref name="limit"/> most recent spans of every service (the dashboard keeps a bounded number), or, given
    /// <paramref name="resource"/>, of the traces that service took part in (every span of those traces, whatever its service).
    /// Serving them is what costs the dashboard time: a test looking for a span it has just caused asks for fewer, of one service.
    /// The dashboard knows a service by its resource name while it runs one replica, and by each replica's name otherwise: when it
    /// does not know <paramref name="resource"/> (404), this asks for every service's spans instead.
    /// </summary>
    public async Task<List<ReceivedSpan>> SpansAsync(int limit = 10_000, string? resource = null, CancellationToken cancellationToken = default)
    {
        var query = resource is null ? $"limit={limit}" : $"limit={limit}&resource={Uri.EscapeDataString(resource)}";
        using var response = await _http.GetAsync($"/api/telemetry/spans?{query}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return resource is null ? [] : await SpansAsync(limit, cancellationToken: cancellationToken);
        }

        response.EnsureSuccessStatusCode();
        return Read(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>What was received, for an assertion message: every span of <paramref name="spans"/>.</summary>
    public static string Describe(IEnumerable<ReceivedSpan> spans) => string.Join("; ", spans);

    /// <summary>Reads OTLP JSON (<c>{"data":{"resourceSpans":[…]}}</c>) into spans; the service is the resource's <c>service.name</c>.</summary>
    public static List<ReceivedSpan> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var spans = new List<ReceivedSpan>();
        if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("resourceSpans", out var resourceSpans))
        {
            return spans;
        }

        foreach (var resourceSpan in resourceSpans.EnumerateArray())
        {
            var service = resourceSpan.TryGetProperty("resource", out var resource) ? Attributes(resource).GetValueOrDefault("service.name", "") : "";
            foreach (var scope in resourceSpan.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new ReceivedSpan(
                        service,
                        Id(span, "traceId"),
                        Id(span, "spanId"),
                        Id(span, "parentSpanId"),
                        span.GetProperty("name").GetString() ?? "",
                        span.TryGetProperty("kind", out var kind) ? Kind(kind) : 0)
                    {
                        Attributes = Attributes(span),
                    });
                }
            }
        }

        return spans;
    }

    private static string Id(JsonElement span, string name) =>
        span.TryGetProperty(name, out var value) && value.GetString() is { } id ? id.ToLowerInvariant() : "";

    private static int Kind(JsonElement kind) => kind.ValueKind == JsonValueKind.Number
        ? kind.GetInt32()
        : kind.GetString() switch
        {
            "SPAN_KIND_INTERNAL" => SpanKinds.Internal,
            "SPAN_KIND_SERVER" => SpanKinds.Server,
            "SPAN_KIND_CLIENT" => SpanKinds.Client,
            "SPAN_KIND_PRODUCER" => SpanKinds.Producer,
            "SPAN_KIND_CONSUMER" => SpanKinds.Consumer,
            _ => 0,
        };

    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>();
        if (owner.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                if (attribute.GetProperty("value").TryGetProperty("stringValue", out var value))
                {
                    attributes[attribute.GetProperty("key").GetString()!] = value.GetString() ?? "";
                }
            }
        }

        return attributes;
    }

    public void Dispose() => _http.Dispose();
}
