namespace Events.Api.WaitingRoom;

/// <summary>
/// The door of a queued event's holds (every booking takes one, so this is where a booking without a pass is refused): while
/// the event's room is on, a hold needs the buyer's pass, signed by this service, for this event and this user, unexpired,
/// their current one, and not spent by another hold. The pass is spent atomically with the check; a retry of the same hold
/// finds it spent by itself and passes. A hold refused afterwards (sold out…) gives the pass back while it lives.
/// </summary>
public sealed class HoldAdmission(IServiceProvider services, QueuePasses passes, TimeProvider time)
{
    private WaitingRoomStore? Store => services.GetService<WaitingRoomStore>();

    /// <summary>Null when the hold may go ahead (no room, room off, or the pass spent for it), else the refusal; <paramref name="spent"/> is the pass spent.</summary>
    public async Task<(Error? Refusal, QueuePass? Spent)> AdmitAsync(Guid eventId, Guid holdId, Guid? userId, string? token)
    {
        if (Store is not { } store || await store.GetSettingsAsync(eventId) is not { Enabled: true })
        {
            return (null, null);
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

    public Task ReturnAsync(QueuePass pass, Guid holdId) => Store?.RestorePassAsync(pass, holdId, time.GetUtcNow()) ?? Task.CompletedTask;
}
