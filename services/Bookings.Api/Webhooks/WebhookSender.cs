using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Webhooks;

/// <summary>What one attempt found: the receiver's status code (null when there was no answer) or why it failed.</summary>
public sealed record WebhookSendResult(int? StatusCode, string? Error, int LatencyMs)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Sends one delivery as the Standard Webhooks specification says: a JSON POST with <c>webhook-id</c>, <c>webhook-timestamp</c>
/// (Unix seconds) and <c>webhook-signature</c> (<c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c> with each signing
/// secret, space-separated during a rotation). Its own HttpClient: no redirects, no proxy, no retries of its own (the schedule
/// retries), a time limit per attempt and a bounded read of the answer; connections only to checked addresses
/// (<see cref="WebhookConnector"/>).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly IOptions<WebhookOptions> _options;

    public WebhookSender(WebhookConnector connector, IOptions<WebhookOptions> options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Value.Timeout,
            MaxResponseHeadersLength = 64,
            ConnectCallback = (context, cancellationToken) => connector.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("EventBooking-Webhooks", "1.0"));
    }

    public async Task<WebhookSendResult> SendAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", delivery.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature",
            string.Join(' ', endpoint.SigningSecrets(now).Select(secret => "v1," + Sign(secret, delivery.MessageId, timestamp, delivery.Payload))));

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.Value.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            await DrainAsync(response, attempt.Token);
            var status = (int)response.StatusCode;
            return new WebhookSendResult(status, status is >= 200 and < 300 ? null : $"The receiver answered {status}.", Elapsed(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookSendResult(null, $"No answer within {_options.Value.Timeout.TotalSeconds:0} s.", Elapsed(started));
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookTargetRefusedException refused)
        {
            return new WebhookSendResult(null, refused.Message, Elapsed(started));
        }
        catch (HttpRequestException ex)
        {
            return new WebhookSendResult(null, ex.Message, Elapsed(started));
        }
    }

    /// <summary><c>base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}"))</c>, the secret being the base64 after <c>whsec_</c>.</summary>
    public static string Sign(string secret, string messageId, string timestamp, string payload)
    {
        var key = Convert.FromBase64String(secret.StartsWith(WebhookEndpoint.SecretPrefix, StringComparison.Ordinal) ? secret[WebhookEndpoint.SecretPrefix.Length..] : secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{payload}")));
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Reads at most <see cref="WebhookOptions.MaxResponseBytes"/> of the answer, so the connection can be reused; more is not read.</summary>
    private async Task DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[8192];
        var left = _options.Value.MaxResponseBytes;
        while (left > 0)
        {
            var read = await body.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                return;
            }

            left -= read;
        }
    }

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
