namespace EventBooking.Testing;

/// <summary>
/// The system clock plus an offset the test moves (hold expiry, reconciliation, token lifetimes, pauses), while timers keep
/// running in real time so the background services (outbox relay, consumers) and timeouts behave as in production.
/// </summary>
public sealed class ShiftedTime : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far this clock is ahead of the system's (behind, when negative).</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
