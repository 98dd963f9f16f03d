using System.Collections.Concurrent;
using System.Text;
using EventBooking.LocalHost.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EventBooking.Testing;

/// <summary>One span as the services exported it (ids as lower-case hex; <see cref="Kind"/> as OTLP numbers it, see <see cref="SpanKinds"/>).</summary>
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
/// A test OTLP/HTTP receiver (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>): accepts <c>/v1/traces</c>, <c>/v1/metrics</c>
/// and <c>/v1/logs</c>, keeps the spans. The protobuf of <c>ExportTraceServiceRequest</c> is read with a minimal wire-format
/// reader: only the resource's <c>service.name</c> and each span's ids, name, kind and string attributes are needed.
/// Shared by the system suite (APIs only) and the web suite (the browser's clicks through the web front end).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();

    private OtlpReceiver(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    /// <summary>
    /// The configuration that makes a service export here (environment variable names, for <c>TopologyOptions.Environment</c>):
    /// OTLP/HTTP protobuf, batches every 500 ms so a test sees its spans soon, metrics rarely (they are not kept).
    /// </summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
    };

    /// <summary>The spans received so far of one trace.</summary>
    public List<ReceivedSpan> Trace(string traceId) => _spans.Where(s => s.TraceId == traceId).ToList();

    /// <summary>What was received, for an assertion message: every span of <paramref name="spans"/>, then the totals per service.</summary>
    public string Describe(IEnumerable<ReceivedSpan> spans) =>
        $"{string.Join("; ", spans)}. Received {_spans.Count} spans in all, per service: " +
        string.Join(", ", _spans.GroupBy(s => s.Service).Select(g => $"{g.Key} {g.Count()}"));

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = Platform.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            foreach (var span in Decode(buffer.ToArray()))
            {
                receiver._spans.Enqueue(span);
            }

            return Results.Bytes(Array.Empty<byte>(), "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", () => Results.Bytes(Array.Empty<byte>(), "application/x-protobuf"));
        app.MapPost("/v1/logs", () => Results.Bytes(Array.Empty<byte>(), "application/x-protobuf"));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Decodes an <c>ExportTraceServiceRequest</c>.</summary>
    public static List<ReceivedSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var (field, resourceSpans) in Fields(request.ToArray()))
        {
            if (field != 1) { continue; }
            var service = "";
            var scopeSpans = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1) { service = ServiceName(value) ?? service; }
                else if (f == 2) { scopeSpans.Add(value); }
            }

            foreach (var scope in scopeSpans)
            {
                foreach (var (f, span) in Fields(scope))
                {
                    if (f == 2) { spans.Add(ReadSpan(service, span)); }
                }
            }
        }

        return spans;
    }

    private static string? ServiceName(byte[] resource)
    {
        foreach (var (f, keyValue) in Fields(resource))
        {
            if (f == 1 && StringAttribute(keyValue) is ("service.name", var value)) { return value; }
        }

        return null;
    }

    private static ReceivedSpan ReadSpan(string service, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>();
        var position = 0;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    var number = ReadVarint(span, ref position);
                    if (field == 6) { kind = (int)number; }
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    var value = span.AsSpan(position, length);
                    position += length;
                    if (field == 1) { traceId = Convert.ToHexStringLower(value); }
                    else if (field == 2) { spanId = Convert.ToHexStringLower(value); }
                    else if (field == 4) { parent = Convert.ToHexStringLower(value); }
                    else if (field == 5) { name = Encoding.UTF8.GetString(value); }
                    else if (field == 9 && StringAttribute(value.ToArray()) is (string key, string text)) { attributes[key] = text; }
                    break;
                default:
                    Skip(span, ref position, (int)(tag & 7));
                    break;
            }
        }

        return new ReceivedSpan(service, traceId, spanId, parent, name, kind) { Attributes = attributes };
    }

    /// <summary>A <c>KeyValue</c> whose <c>AnyValue</c> is a string (field 1); null for other value types.</summary>
    private static (string Key, string Value)? StringAttribute(byte[] keyValue)
    {
        string? key = null;
        string? value = null;
        foreach (var (f, v) in Fields(keyValue))
        {
            if (f == 1) { key = Encoding.UTF8.GetString(v); }
            else if (f == 2) { value = Fields(v).Where(a => a.Field == 1).Select(a => Encoding.UTF8.GetString(a.Value)).FirstOrDefault(); }
        }

        return key is not null && value is not null ? (key, value) : null;
    }

    /// <summary>The length-delimited fields of a message (other wire types are skipped).</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var wireType = (int)(tag & 7);
            if (wireType == 2)
            {
                var length = (int)ReadVarint(message, ref position);
                fields.Add(((int)(tag >> 3), message.AsSpan(position, length).ToArray()));
                position += length;
            }
            else
            {
                Skip(message, ref position, wireType);
            }
        }

        return fields;
    }

    private static void Skip(byte[] message, ref int position, int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(message, ref position); break;
            case 1: position += 8; break;
            case 5: position += 4; break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
        }
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) { return result; }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
