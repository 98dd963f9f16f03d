using EventBooking.Web.Clients;

namespace EventBooking.Web.Components.Seating;

/// <summary>
/// The seat availability of the seated events people have open, read by this web replica once per event and interval
/// (<see cref="IntervalSetting"/>, 500 ms) and handed to every seat picker showing that event. However many people watch a hall
/// in a sale rush, events-api answers this replica one read per interval, and a seat someone takes turns grey for all of them
/// within an interval of events-api having it. A read that fails is tried again at the next interval; a subscriber that fails
/// (a circuit gone) does not hold up the others. The read stops when the last picker of the event closes.
/// </summary>
public sealed partial class SeatAvailabilityFeed(Func<EventsClient> events, TimeSpan interval, ILogger<SeatAvailabilityFeed> logger) : IDisposable
{
    public const string IntervalSetting = "Seating:AvailabilityPollInterval";

    private readonly Dictionary<Guid, Watch> _watches = [];

    /// <summary>
    /// Calls <paramref name="changed"/> with the event's availability each time its version moves (at once with the newest one
    /// known, if any); dispose the answer to stop.
    /// </summary>
    public IDisposable Subscribe(Guid eventId, Func<SeatAvailabilityDto, Task> changed)
    {
        Watch? watch;
        SeatAvailabilityDto? latest;
        lock (_watches)
        {
            if (!_watches.TryGetValue(eventId, out watch))
            {
                watch = new Watch();
                _watches[eventId] = watch;
                // The read outlives the circuit that started it: it carries none of that circuit's context.
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(() => RunAsync(eventId, watch));
                }
            }

            watch.Subscribers.Add(changed);
            latest = watch.Latest;
        }

        if (latest is not null)
        {
            _ = DeliverAsync(eventId, changed, latest);
        }

        return new Subscription(() => Unsubscribe(eventId, watch, changed));
    }

    /// <summary>How many events are being read now (for tests and diagnostics).</summary>
    public int Watched
    {
        get
        {
            lock (_watches)
            {
                return _watches.Count;
            }
        }
    }

    public void Dispose()
    {
        lock (_watches)
        {
            foreach (var watch in _watches.Values)
            {
                watch.Stop.Cancel();
            }

            _watches.Clear();
        }
    }

    private void Unsubscribe(Guid eventId, Watch watch, Func<SeatAvailabilityDto, Task> changed)
    {
        lock (_watches)
        {
            watch.Subscribers.Remove(changed);
            if (watch.Subscribers.Count == 0 && _watches.TryGetValue(eventId, out var current) && current == watch)
            {
                _watches.Remove(eventId);
                watch.Stop.Cancel();
            }
        }
    }

    private async Task RunAsync(Guid eventId, Watch watch)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                SeatAvailabilityDto? fresh;
                try
                {
                    fresh = (await events().GetSeatAvailabilityAsync(eventId, watch.Stop.Token)).Value;
                }
                catch (Exception ex) when (!watch.Stop.IsCancellationRequested)
                {
                    LogReadFailed(logger, ex, eventId);
                    continue;
                }

                Func<SeatAvailabilityDto, Task>[] subscribers;
                lock (_watches)
                {
                    if (fresh is null || fresh.Version == watch.Latest?.Version)
                    {
                        continue;
                    }

                    watch.Latest = fresh;
                    subscribers = [.. watch.Subscribers];
                }

                foreach (var subscriber in subscribers)
                {
                    _ = DeliverAsync(eventId, subscriber, fresh);
                }
            }
            while (await timer.WaitForNextTickAsync(watch.Stop.Token));
        }
        catch (OperationCanceledException) when (watch.Stop.IsCancellationRequested)
        {
            // The last picker of the event closed (its token source has no timer: nothing to dispose).
        }
    }

    private async Task DeliverAsync(Guid eventId, Func<SeatAvailabilityDto, Task> subscriber, SeatAvailabilityDto availability)
    {
        try
        {
            await subscriber(availability);
        }
        catch (Exception ex)
        {
            LogDeliveryFailed(logger, ex, eventId);
        }
    }

    private sealed class Watch
    {
        public List<Func<SeatAvailabilityDto, Task>> Subscribers { get; } = [];

        public SeatAvailabilityDto? Latest { get; set; }

        public CancellationTokenSource Stop { get; } = new();
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                unsubscribe();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the seat availability of event {EventId} failed; trying again at the next interval")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, Guid eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A seat picker of event {EventId} could not take the availability (its circuit is gone)")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, Guid eventId);
}
