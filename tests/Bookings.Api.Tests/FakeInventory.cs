using Bookings.Api.Inventory;

namespace Bookings.Api.Tests;

/// <summary>
/// A stand-in for events-api's internal inventory API (docs/contracts.md "Inventory") in the in-process tests (the topology
/// tests run the real events-api): atomic, idempotent per hold id, with expiry, sold/held accounting, an outage switch, and
/// events-api's refusals with their codes (sold-out, not-on-sale, hold-expired).
/// </summary>
public sealed class FakeInventory(TimeProvider time) : IInventoryClient
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, FakeEvent> _events = [];
    private readonly Dictionary<Guid, FakeHold> _holds = [];

    // events-api's refusals, as InventoryClient reads them from its problems.
    public static readonly Error NotFound = new("not-found", ErrorKind.NotFound, "No such event or hold.");
    public static readonly Error SoldOut = new("sold-out", ErrorKind.Conflict, "Only fewer seats remain.");
    public static readonly Error NotOnSale = new("not-on-sale", ErrorKind.Conflict, "The event is cancelled.");
    public static readonly Error HoldExpired = new("hold-expired", ErrorKind.Conflict, "The hold expired and its seats are gone.");
    public static readonly Error HoldReleased = new("hold-released", ErrorKind.Conflict, "The hold was released.");

    public bool Down { get; set; }

    public sealed class FakeEvent
    {
        public required Guid Id { get; init; }
        public required Guid OrganizerId { get; init; }
        public required int Capacity { get; init; }
        public decimal Price { get; init; } = 25m;
        public string Currency { get; init; } = "EUR";
        public DateTimeOffset StartsAt { get; init; }
        public bool Cancelled { get; set; }
    }

    private sealed class FakeHold
    {
        public required Guid EventId { get; init; }
        public required int Quantity { get; init; }
        public string Status { get; set; } = "Held";
        public DateTimeOffset ExpiresAt { get; set; }
    }

    public FakeEvent AddEvent(Guid organizerId, int capacity, decimal price = 25m, DateTimeOffset? startsAt = null)
    {
        var e = new FakeEvent { Id = Guid.CreateVersion7(), OrganizerId = organizerId, Capacity = capacity, Price = price, StartsAt = startsAt ?? time.GetUtcNow().AddDays(30) };
        lock (_gate)
        {
            _events[e.Id] = e;
        }

        return e;
    }

    /// <summary>(available, held, sold) of an event; held counts only holds that have not expired.</summary>
    public (int Available, int Held, int Sold) Counts(Guid eventId)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var holds = _holds.Values.Where(h => h.EventId == eventId).ToList();
            var held = holds.Where(h => h.Status == "Held" && h.ExpiresAt > now).Sum(h => h.Quantity);
            var sold = holds.Where(h => h.Status == "Confirmed").Sum(h => h.Quantity);
            return (_events[eventId].Capacity - held - sold, held, sold);
        }
    }

    /// <summary>When set, every hold waits for it (after signalling <see cref="HoldEntered"/>): a purchase kept in flight.</summary>
    public TaskCompletionSource? HoldBarrier { get; set; }

    public TaskCompletionSource HoldEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<InventoryResult<HoldInfo>> PlaceHoldAsync(Guid eventId, Guid holdId, int quantity, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (HoldBarrier is { } barrier)
        {
            HoldEntered.TrySetResult();
            await barrier.Task.WaitAsync(cancellationToken);
        }

        return await PlaceHoldNowAsync(eventId, holdId, quantity, expiresAt);
    }

    private Task<InventoryResult<HoldInfo>> PlaceHoldNowAsync(Guid eventId, Guid holdId, int quantity, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            if (Down)
            {
                return Task.FromResult(InventoryResult.Unavailable<HoldInfo>("down"));
            }

            if (!_events.TryGetValue(eventId, out var e))
            {
                return Task.FromResult(InventoryResult.Failed<HoldInfo>(NotFound));
            }

            if (_holds.TryGetValue(holdId, out var existing))
            {
                return Task.FromResult(InventoryResult.Ok(Info(e, holdId, existing)));
            }

            if (e.Cancelled)
            {
                return Task.FromResult(InventoryResult.Failed<HoldInfo>(NotOnSale));
            }

            if (Available(e) < quantity)
            {
                return Task.FromResult(InventoryResult.Failed<HoldInfo>(SoldOut));
            }

            var hold = new FakeHold { EventId = eventId, Quantity = quantity, ExpiresAt = expiresAt };
            _holds[holdId] = hold;
            return Task.FromResult(InventoryResult.Ok(Info(e, holdId, hold)));
        }
    }

    public Task<InventoryResult<HoldInfo>> ConfirmHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Down)
            {
                return Task.FromResult(InventoryResult.Unavailable<HoldInfo>("down"));
            }

            if (!_events.TryGetValue(eventId, out var e) || !_holds.TryGetValue(holdId, out var hold))
            {
                return Task.FromResult(InventoryResult.Failed<HoldInfo>(NotFound));
            }

            if (hold.Status == "Held")
            {
                if (hold.ExpiresAt <= time.GetUtcNow() && Available(e) < hold.Quantity)
                {
                    hold.Status = "Released";
                    return Task.FromResult(InventoryResult.Failed<HoldInfo>(HoldExpired));
                }

                hold.Status = "Confirmed";
            }
            else if (hold.Status == "Released")
            {
                return Task.FromResult(InventoryResult.Failed<HoldInfo>(HoldReleased));
            }

            return Task.FromResult(InventoryResult.Ok(Info(e, holdId, hold)));
        }
    }

    public Task<bool> ReleaseHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Down)
            {
                return Task.FromResult(false);
            }

            if (_holds.TryGetValue(holdId, out var hold))
            {
                hold.Status = "Released";
            }

            return Task.FromResult(true);
        }
    }

    public Task<InventoryResult<EventInfo>> GetEventAsync(Guid eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Down)
            {
                return Task.FromResult(InventoryResult.Unavailable<EventInfo>("down"));
            }

            return Task.FromResult(_events.TryGetValue(eventId, out var e)
                ? InventoryResult.Ok(new EventInfo(e.Id, "Event " + e.Id, e.OrganizerId, e.StartsAt, e.StartsAt.AddHours(3),
                    e.Cancelled ? "Cancelled" : "Published", e.Price, e.Currency, e.Capacity))
                : InventoryResult.Failed<EventInfo>(NotFound));
        }
    }

    public Task<InventoryResult<InventorySnapshot>> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Down)
            {
                return Task.FromResult(InventoryResult.Unavailable<InventorySnapshot>("down"));
            }

            if (!_events.TryGetValue(eventId, out var e))
            {
                return Task.FromResult(InventoryResult.Failed<InventorySnapshot>(NotFound));
            }

            var holds = _holds.Where(h => h.Value.EventId == eventId && h.Value.Status is "Held" or "Confirmed")
                .Select(h => new InventoryHold(h.Key, h.Value.Quantity, h.Value.Status, h.Value.ExpiresAt, h.Value.ExpiresAt)).ToList();
            var held = holds.Where(h => h.Status == "Held").Sum(h => h.Quantity);
            var sold = holds.Where(h => h.Status == "Confirmed").Sum(h => h.Quantity);
            return Task.FromResult(InventoryResult.Ok(new InventorySnapshot(eventId, e.Capacity, held, sold, e.Capacity - held - sold, time.GetUtcNow(), holds)));
        }
    }

    private int Available(FakeEvent e)
    {
        var now = time.GetUtcNow();
        var used = _holds.Values.Where(h => h.EventId == e.Id && (h.Status == "Confirmed" || (h.Status == "Held" && h.ExpiresAt > now))).Sum(h => h.Quantity);
        return e.Capacity - used;
    }

    private HoldInfo Info(FakeEvent e, Guid holdId, FakeHold hold) =>
        new(holdId, e.Id, hold.Quantity, hold.Status, hold.ExpiresAt, e.Price, e.Currency, "Event " + e.Id, e.StartsAt, e.OrganizerId);
}
