using Microsoft.Extensions.Options;

namespace Events.Api.WaitingRoom;

/// <summary>
/// Admits buyers in every replica's stead: each replica runs this loop, but only the holder of the admitter's lease in Redis
/// (taken with SET NX PX, renewed every tick) admits, so the rooms' rates are kept once, not once per replica. A holder that
/// dies (kill -9) stops renewing; another replica takes the lease when it lapses. Admission itself is one atomic script per
/// line, so even two admitters (a holder paused past its lease) would never admit one buyer twice or skip one. Every replica
/// also adds its door's count of holds to Redis each tick, for the rooms that switch themselves on above a demand.
/// </summary>
public sealed partial class AdmissionWorker(
    WaitingRoomStore store, HoldAdmission admission, IOptions<WaitingRoomOptions> options, TimeProvider time, ILogger<AdmissionWorker> logger)
    : BackgroundService
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
                await RecordDemandAsync();
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

    /// <summary>Adds this replica's holds since the last tick to each event's demand; a room that passes its threshold is switched on.</summary>
    private async Task RecordDemandAsync()
    {
        foreach (var (eventId, holds) in admission.TakeDemand())
        {
            if (await store.RecordDemandAsync(eventId, holds, time.GetUtcNow()))
            {
                admission.Forget(eventId);
                LogSwitchedOn(logger, eventId);
            }
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting room of event {EventId} switched on by itself: demand passed its organizer's threshold")]
    private static partial void LogSwitchedOn(ILogger logger, Guid eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waiting room: admitted {Count} buyers to event {EventId}")]
    private static partial void LogAdmitted(ILogger logger, int count, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting rooms: an admission tick failed (Redis); the next tick tries again")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
