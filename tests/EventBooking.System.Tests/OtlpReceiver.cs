using System.Collections.Concurrent;
using System.Text;
using EventBooking.LocalHost.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EventBooking.SystemTests;

/// <summary>One span as the services exported it (ids as lower-case hex).</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);

/// <summary>
/// A test OTLP/HTTP receiver (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>): accepts <c>/v1/traces</c>, <c>/v1/metrics</c>
/// and <c>/v1/logs</c>, keeps the spans. The protobuf of <c>ExportTraceServiceRequest</c> is read with a minimal wire-format
/// reader: only the resource's <c>service.name</c> and each span's ids, name and kind are needed.
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
            if (f != 1) { continue; }
            string? key = null;
            string? value = null;
            foreach (var (kf, kv) in Fields(keyValue))
            {
                if (kf == 1) { key = Encoding.UTF8.GetString(kv); }
                else if (kf == 2) { value = Fields(kv).Where(a => a.Field == 1).Select(a => Encoding.UTF8.GetString(a.Value)).FirstOrDefault(); }
            }

            if (key == "service.name") { return value; }
        }

        return null;
    }

    private static ReceivedSpan ReadSpan(string service, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
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
                    break;
                default:
                    Skip(span, ref position, (int)(tag & 7));
                    break;
            }
        }

        return new ReceivedSpan(service, traceId, spanId, parent, name, kind);
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
