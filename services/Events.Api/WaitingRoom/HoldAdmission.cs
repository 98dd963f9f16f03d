using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Events.Api.WaitingRoom;

/// <summary>
/// The door of a queued event's holds (every booking takes one, so this is where a booking without a pass is refused): while
/// the event's room is on, a hold needs the buyer's pass, signed by this service, for this event and this user, unexpired,
/// their current one, and not spent by another hold. The pass is spent atomically with the check; a retry of the same hold
/// finds it spent by itself and passes. A hold refused afterwards (sold out…) gives the pass back while it lives.
/// </summary>
/// <remarks>
/// Whether an event has a room is read from Redis at most once per <see cref="SettingsLifetime"/> per event and replica, so the
/// sale's hot path costs no Redis call per hold. While Redis cannot be reached, an event last seen without a room (or never
/// seen) keeps selling as before the room existed (Redis holds no booking state); one last seen with its room on is refused
/// with 503 <c>waiting-room-unavailable</c>: its passes cannot be checked, and the organizer chose the line over a free-for-all.
/// </remarks>
public sealed partial class HoldAdmission(IServiceProvider services, QueuePasses passes, TimeProvider time, ILogger<HoldAdmission> logger)
{
    /// <summary>How long a replica trusts what it read of an event's room (a switch takes effect within it).</summary>
    public static readonly TimeSpan SettingsLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Guid, (RoomSettings? Settings, DateTimeOffset ReadAt)> _settings = new();

    // Holds asked for since the last tick, per event whose room is off but may switch itself on (counted here, in memory, and
    // added to Redis once a tick by the AdmissionWorker: no Redis call per hold).
    private readonly ConcurrentDictionary<Guid, int> _demand = new();

    private WaitingRoomStore? Store => services.GetService<WaitingRoomStore>();

    /// <summary>Null when the hold may go ahead (no room, room off, or the pass spent for it), else the refusal; <paramref name="spent"/> is the pass spent.</summary>
    public async Task<(Error? Refusal, QueuePass? Spent)> AdmitAsync(Guid eventId, Guid holdId, Guid? userId, string? token)
    {
        if (Store is not { } store)
        {
            return (null, null);
        }

        var (settings, reachable) = await SettingsAsync(store, eventId);
        if (settings is not { Enabled: true })
        {
            if (settings is { AutoOnAbovePerMinute: not null })
            {
                _demand.AddOrUpdate(eventId, 1, (_, holds) => holds + 1);
            }

            return (null, null);
        }

        if (!reachable)
        {
            return (RoomErrors.Unavailable, null);
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            return (RoomErrors.PassRequired(eventId), null);
        }

        if (passes.Read(token.Trim()) is not { } pass)
        {
            return (RoomErrors.PassInvalid(eventId, "it was not issued by this service."), null);
        }

        if (pass.EventId != eventId)
        {
            return (RoomErrors.PassInvalid(eventId, "it was issued for another event."), null);
        }

        if (userId is null || pass.UserId != userId)
        {
            return (RoomErrors.PassInvalid(eventId, "it was issued to another account."), null);
        }

        return await store.SpendPassAsync(pass, holdId, time.GetUtcNow()) switch
        {
            Spend.Spent => (null, pass),
            Spend.Expired => (RoomErrors.PassExpired(eventId), null),
            Spend.SpentByAnotherHold => (RoomErrors.PassUsed(eventId), null),
            _ => (RoomErrors.PassInvalid(eventId, "it is no longer yours to use (you left the line, or it was replaced)."), null),
        };
    }

    /// <summary>The holds counted per event since the last call (<see cref="AdmissionWorker"/> adds them to the event's demand).</summary>
    public IReadOnlyList<(Guid EventId, int Holds)> TakeDemand()
    {
        var taken = new List<(Guid, int)>();
        foreach (var eventId in _demand.Keys)
        {
            if (_demand.TryRemove(eventId, out var holds) && holds > 0)
            {
                taken.Add((eventId, holds));
            }
        }

        return taken;
    }

    /// <summary>Forgets what this replica read of an event's room: the next hold reads it again (a switch made here applies at once).</summary>
    public void Forget(Guid eventId) => _settings.TryRemove(eventId, out _);

    /// <summary>Gives a spent pass back (its hold was refused); while Redis is gone the pass stays spent (the buyer queues again).</summary>
    public async Task ReturnAsync(QueuePass pass, Guid holdId)
    {
        if (Store is not { } store)
        {
            return;
        }

        try
        {
            await store.RestorePassAsync(pass, holdId, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPassNotReturned(logger, pass.EventId, ex.Message);
        }
    }

    private async Task<(RoomSettings? Settings, bool Reachable)> SettingsAsync(WaitingRoomStore store, Guid eventId)
    {
        var now = time.GetUtcNow();
        if (_settings.TryGetValue(eventId, out var known) && now - known.ReadAt < SettingsLifetime)
        {
            return (known.Settings, true);
        }

        try
        {
            var settings = await store.GetSettingsAsync(eventId);
            _settings[eventId] = (settings, now);
            return (settings, true);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRoomUnreadable(logger, eventId, ex.Message);
            return (known.Settings, false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The waiting room of event {EventId} could not be read from Redis ({Reason}): its last known settings apply")]
    private static partial void LogRoomUnreadable(ILogger logger, Guid eventId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A queue pass of event {EventId} could not be given back after its hold was refused ({Reason})")]
    private static partial void LogPassNotReturned(ILogger logger, Guid eventId, string reason);
}
