using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Notifications.Api.Email;

/// <summary>One SMTP session (MailKit) to the <c>smtp</c> resource for a batch of emails.</summary>
public sealed class SmtpSession(IOptions<EmailOptions> options) : IAsyncDisposable
{
    private readonly SmtpClient _client = new();

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
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

        await _client.SendAsync(message, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(quit: true);
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
            {
                // The emails of this session are already recorded; a failed goodbye changes nothing.
            }
        }

        _client.Dispose();
    }
}
