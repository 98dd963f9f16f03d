using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBooking.Testing;

/// <summary>One request a <see cref="WebhookReceiver"/> got.</summary>
public sealed record ReceivedWebhook(string Path, string Body, IHeaderDictionary Headers, DateTimeOffset At);

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, a free port) that receives webhooks: it records every request and answers what the
/// test sets per path (a status code, after an optional delay). Tests send webhooks only here: loopback, never elsewhere.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<int>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The requests answered so far (recorded after any delay, just before the answer).</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>How many requests have arrived, answered or not yet (a delayed one counts from its arrival).</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    private int _arrived;

    public string BaseUrl { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var path = context.Request.Path.Value ?? "/";
            Interlocked.Increment(ref receiver._arrived);
            var headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
            if (receiver._delays.TryGetValue(path, out var delay))
            {
                await Task.Delay(delay, context.RequestAborted);
            }

            receiver.Received.Enqueue(new ReceivedWebhook(path, body, headers, DateTimeOffset.UtcNow));
            context.Response.StatusCode = receiver._answers.TryGetValue(path, out var answer) ? answer() : 200;
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    /// <summary>What <paramref name="path"/> answers from now on (called per request).</summary>
    public void Answer(string path, Func<int> status) => _answers[path] = status;

    public void Delay(string path, TimeSpan delay) => _delays[path] = delay;

    public string Url(string path) => BaseUrl.TrimEnd('/') + path;

    public IEnumerable<ReceivedWebhook> At(string path) => Received.Where(r => r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
