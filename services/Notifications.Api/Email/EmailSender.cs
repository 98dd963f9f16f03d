using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notifications.Api.Email;

/// <summary>
/// One SMTP connection (MailKit) to the <c>smtp</c> resource, kept open across batches by one sender lane and
/// re-opened after an idle spell (servers drop idle sessions) or a failure.
/// </summary>
public sealed class SmtpSession(IOptions<EmailOptions> options, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan IdleReconnect = TimeSpan.FromSeconds(30);
    private readonly SmtpClient _client = new();
    private DateTimeOffset _lastUsed;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (_client.IsConnected && time.GetUtcNow() - _lastUsed > IdleReconnect)
        {
            await QuitAsync();
        }

        if (!_client.IsConnected)
        {
            var settings = options.Value;
            var endpoint = settings.SmtpUri;
            _client.Timeout = (int)settings.SmtpTimeout.TotalMilliseconds;
            // A fixed EHLO name: no local host-name lookup on every connection.
            _client.LocalDomain = settings.HeloName;
            var security = endpoint.Scheme.Equals("smtps", StringComparison.OrdinalIgnoreCase) ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
            var port = endpoint.IsDefaultPort ? 25 : endpoint.Port;
            // Our own socket with Nagle off: SMTP is a chatty request/response protocol, and the message's last
            // segment would otherwise wait for a delayed ACK (tens of ms per email).
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint.Host, port, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await _client.ConnectAsync(socket, endpoint.Host, port, security, cancellationToken);
            if (endpoint.UserInfo is { Length: > 0 } userInfo)
            {
                var parts = userInfo.Split(':', 2);
                await _client.AuthenticateAsync(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "", cancellationToken);
            }
        }

        try
        {
            await _client.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or OperationCanceledException)
        {
            await QuitAsync(); // the connection's state is unknown: start the next email on a fresh one
            throw;
        }

        _lastUsed = time.GetUtcNow();
    }

    public async ValueTask DisposeAsync()
    {
        await QuitAsync();
        _client.Dispose();
    }

    private async Task QuitAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(quit: true);
            }
            catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or MailKit.ServiceNotConnectedException or OperationCanceledException)
            {
                // The emails of this session are already recorded; a failed goodbye changes nothing.
            }
        }
    }
}
