using System.Collections.Concurrent;
using EventBooking.ServiceDefaults;
using Microsoft.AspNetCore.SignalR;

namespace Notifications.Api.Hubs;

/// <summary>
/// The open hub connections of this replica, by the session their token belongs to. A connection is authenticated once, when
/// it opens; a session revoked afterwards (signed out everywhere, password or roles changed) must not keep receiving the
/// user's notifications, so <see cref="HubSessionSweeper"/> closes such connections within a second of the revocation
/// reaching this replica. (A token that merely expires closes its connection too: <c>CloseOnAuthenticationExpiration</c>.)
/// </summary>
public sealed class HubSessions(RevokedSessions revoked)
{
    private readonly ConcurrentDictionary<string, (Guid SessionId, HubCallerContext Connection)> _open = new(StringComparer.Ordinal);

    public void Opened(HubCallerContext connection)
    {
        if (Guid.TryParse(connection.User?.FindFirst(IdentityClaims.SessionId)?.Value, out var sessionId))
        {
            _open[connection.ConnectionId] = (sessionId, connection);
        }
    }

    public void Closed(HubCallerContext connection) => _open.TryRemove(connection.ConnectionId, out _);

    /// <summary>Closes every connection whose session is revoked; returns how many.</summary>
    public int CloseRevoked()
    {
        var closed = 0;
        foreach (var (id, (sessionId, connection)) in _open)
        {
            if (revoked.IsRevoked(sessionId) && _open.TryRemove(id, out _))
            {
                connection.Abort();
                closed++;
            }
        }

        return closed;
    }

    /// <summary>How many connections are open on this replica (diagnostics and tests).</summary>
    public int Count => _open.Count;
}

/// <summary>Runs <see cref="HubSessions.CloseRevoked"/> every <see cref="Every"/>.</summary>
public sealed partial class HubSessionSweeper(HubSessions sessions, TimeProvider time, ILogger<HubSessionSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (sessions.CloseRevoked() is > 0 and var closed)
            {
                LogClosed(logger, closed);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} live connection(s) of revoked sessions")]
    private static partial void LogClosed(ILogger logger, int count);
}
