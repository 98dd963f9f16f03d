namespace Bookings.Api.Tests;

/// <summary>
/// The system clock plus an offset the test moves forward (hold expiry, reconciliation), while timers keep running in
/// real time so the background services (outbox relay, consumers) behave as in production.
/// </summary>
public sealed class ShiftedTime : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
