using Microsoft.Extensions.Options;

namespace Events.Api.WaitingRoom;

/// <summary>
/// Admits buyers in every replica's stead: each replica runs this loop, but only the holder of the admitter's lease in Redis
/// (taken with SET NX PX, renewed every tick) admits, so the rooms' rates are kept once, not once per replica. A holder that
/// dies (kill -9) stops renewing; another replica takes the lease when it lapses. Admission itself is one atomic script per
/// line, so even two admitters (a holder paused past its lease) would never admit one buyer twice or skip one.
/// </summary>
public sealed partial class AdmissionWorker(
    WaitingRoomStore store, IOptions<WaitingRoomOptions> options, TimeProvider time, ILogger<AdmissionWorker> logger) : BackgroundService
{
    private readonly string holder = $"{Environment.ProcessId}@{Environment.MachineName}/{Guid.CreateVersion7():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = options.Value.TickInterval;
        using var timer = new PeriodicTimer(tick, time);
        var leading = false;
        do
        {
            try
            {
                var holds = await store.HoldLeaseAsync(holder, options.Value.LeaseDuration);
                if (holds != leading)
                {
                    LogLease(logger, holds ? "took" : "lost", holder);
                    leading = holds;
                }

                if (holds)
                {
                    await AdmitAllAsync(tick);
                }
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                LogTickFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task AdmitAllAsync(TimeSpan tick)
    {
        foreach (var eventId in await store.ActiveRoomsAsync())
        {
            var now = time.GetUtcNow();
            if (await store.GetSettingsAsync(eventId) is { Enabled: true } settings && settings.IsOpenAt(now))
            {
                var admitted = await store.AdmitAsync(eventId, settings, now, tick);
                if (admitted > 0)
                {
                    LogAdmitted(logger, admitted, eventId);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting rooms: {Action} the admitter's lease ({Holder})")]
    private static partial void LogLease(ILogger logger, string action, string holder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waiting room: admitted {Count} buyers to event {EventId}")]
    private static partial void LogAdmitted(ILogger logger, int count, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting rooms: an admission tick failed (Redis); the next tick tries again")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
