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
    public static readonly Error TicketTypeNotFound = new("ticket-type-not-found", ErrorKind.NotFound, "No such ticket type.");
    public static readonly Error SeatNotAvailable = new("seat-not-available", ErrorKind.Conflict, "Some of the seats are no longer available.");
    public static readonly Error TicketTypeRequired = new("ticket-type-required", ErrorKind.Invalid, "The event sells several ticket types.");

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
        /// <summary>The event's first ticket type ("Standard" at <see cref="Price"/>), the one a hold without lines takes.</summary>
        public Guid TicketTypeId { get; } = Guid.CreateVersion7();
        /// <summary>More ticket types (a hold without lines is then refused with <c>ticket-type-required</c>).</summary>
        public List<FakeTicketType> MoreTypes { get; } = [];
        /// <summary>
        /// Reserved seats of the first type, in plan order (none: general admission): a line of that type is held by seat, named
        /// (<c>seat-not-available</c> naming the seats gone) or the first ones free, and answered with its seats.
        /// </summary>
        public List<HoldSeatInfo> Seats { get; } = [];
    }

    public sealed record FakeTicketType(Guid Id, string Name, decimal Price, bool Hidden = false);

    private sealed class FakeHold
    {
        public required Guid EventId { get; init; }
        public required int Quantity { get; init; }
        public required IReadOnlyList<HoldLineInfo> Lines { get; set; }
        public string Status { get; set; } = "Held";
        public IEnumerable<string> SeatIds => Lines.SelectMany(l => l.Seats ?? []).Select(s => s.SeatId);
        public DateTimeOffset ExpiresAt { get; set; }
    }

    public FakeEvent AddEvent(Guid organizerId, int capacity, decimal price = 25m, DateTimeOffset? startsAt = null, string currency = "EUR")
    {
        var e = new FakeEvent
        {
            Id = Guid.CreateVersion7(), OrganizerId = organizerId, Capacity = capacity, Price = price, Currency = currency,
            StartsAt = startsAt ?? time.GetUtcNow().AddDays(30),
        };
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

    /// <summary>The last hold request events-api was sent (what bookings-api passed on).</summary>
    public HoldRequest? LastHoldRequest { get; private set; }

    /// <summary>When set, every hold waits for it (after signalling <see cref="HoldEntered"/>): a purchase kept in flight.</summary>
    public TaskCompletionSource? HoldBarrier { get; set; }

    public TaskCompletionSource HoldEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<InventoryResult<HoldInfo>> PlaceHoldAsync(Guid eventId, Guid holdId, HoldRequest request, CancellationToken cancellationToken)
    {
        if (HoldBarrier is { } barrier)
        {
            HoldEntered.TrySetResult();
            await barrier.Task.WaitAsync(cancellationToken);
        }

        return await PlaceHoldNowAsync(eventId, holdId, request);
    }

    private Task<InventoryResult<HoldInfo>> PlaceHoldNowAsync(Guid eventId, Guid holdId, HoldRequest request)
    {
        var (quantity, expiresAt) = (request.Quantity, request.ExpiresAt);
        lock (_gate)
        {
            LastHoldRequest = request;
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

            var types = new[] { new FakeTicketType(e.TicketTypeId, "Standard", e.Price) }.Concat(e.MoreTypes).ToList();
            if (request.Lines.Count == 0 && types.Count > 1)
            {
                return Task.FromResult(InventoryResult.Failed<HoldInfo>(TicketTypeRequired));
            }

            var lines = new List<HoldLineInfo>();
            foreach (var line in request.Lines.Count == 0 ? [new HoldLineRequest(e.TicketTypeId, quantity)] : request.Lines)
            {
                if (types.FirstOrDefault(t => t.Id == line.TicketTypeId) is not { } type || type.Hidden && !request.UnlockedTicketTypeIds.Contains(type.Id))
                {
                    return Task.FromResult(InventoryResult.Failed<HoldInfo>(TicketTypeNotFound));
                }

                IReadOnlyList<HoldSeatInfo>? seats = null;
                if (type.Id == e.TicketTypeId && e.Seats.Count > 0)
                {
                    var now = time.GetUtcNow();
                    var taken = _holds.Values.Where(h => h.EventId == e.Id && (h.Status == "Confirmed" || (h.Status == "Held" && h.ExpiresAt > now)))
                        .SelectMany(h => h.SeatIds).ToHashSet();
                    if (line.SeatIds is { } named)
                    {
                        if (named.Where(taken.Contains).ToList() is { Count: > 0 } gone)
                        {
                            return Task.FromResult(InventoryResult.Failed<HoldInfo>(SeatNotAvailable.With("seatIds", gone)));
                        }

                        seats = [.. named.Select(id => e.Seats.Single(s => s.SeatId == id))];
                    }
                    else
                    {
                        seats = [.. e.Seats.Where(s => !taken.Contains(s.SeatId)).Take(line.Quantity)];
                        if (seats.Count < line.Quantity)
                        {
                            return Task.FromResult(InventoryResult.Failed<HoldInfo>(SoldOut));
                        }
                    }
                }

                lines.Add(new HoldLineInfo(type.Id, type.Name, line.Quantity, type.Price, seats));
            }

            if (Available(e) < quantity)
            {
                return Task.FromResult(InventoryResult.Failed<HoldInfo>(SoldOut));
            }

            var hold = new FakeHold { EventId = eventId, Quantity = quantity, ExpiresAt = expiresAt, Lines = lines };
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

    /// <summary>As events-api: a held or confirmed hold's seats move to free ones of the event, all or none; a move made already is skipped.</summary>
    public Task<InventoryResult<HoldSeatsInfo>> MoveSeatsAsync(Guid eventId, Guid holdId, IReadOnlyList<SeatMoveRequest> moves, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Down)
            {
                return Task.FromResult(InventoryResult.Unavailable<HoldSeatsInfo>("events-api is down (fake)."));
            }

            if (!_holds.TryGetValue(holdId, out var hold) || hold.EventId != eventId || hold.Status is not ("Held" or "Confirmed"))
            {
                return Task.FromResult(InventoryResult.Failed<HoldSeatsInfo>(new Error("hold-not-found", ErrorKind.NotFound, "No such hold.")));
            }

            var e = _events[eventId];
            var mine = hold.SeatIds.ToHashSet();
            var todo = moves.Where(m => mine.Contains(m.From) || !mine.Contains(m.To)).ToList();
            var taken = _holds.Values.Where(h => h.EventId == eventId && h != hold && h.Status is "Held" or "Confirmed").SelectMany(h => h.SeatIds).ToHashSet();
            if (todo.Where(m => !mine.Contains(m.From)).Select(m => m.From).ToList() is { Count: > 0 } notMine)
            {
                return Task.FromResult(InventoryResult.Failed<HoldSeatsInfo>(new Error("validation", ErrorKind.Invalid, "Not the hold's seats.")
                    .With("errors", notMine.ToDictionary(id => $"moves[{moves.ToList().FindIndex(m => m.From == id)}].from", _ => new[] { "Not a seat of this booking." }))));
            }

            if (todo.Where(m => taken.Contains(m.To)).Select(m => m.To).ToList() is { Count: > 0 } gone)
            {
                return Task.FromResult(InventoryResult.Failed<HoldSeatsInfo>(SeatNotAvailable.With("seatIds", gone)));
            }

            var to = todo.ToDictionary(m => m.From, m => e.Seats.Single(s => s.SeatId == m.To));
            hold.Lines = [.. hold.Lines.Select(l => l.Seats is null ? l : l with { Seats = [.. l.Seats.Select(s => to.GetValueOrDefault(s.SeatId, s))] })];
            return Task.FromResult(InventoryResult.Ok(new HoldSeatsInfo(holdId,
                [.. hold.Lines.SelectMany(l => (l.Seats ?? []).Select(s => new TypedSeatInfo(l.TicketTypeId, s.SeatId, s.Area, s.Row, s.Number, s.AreaName)))])));
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
                .Select(h => new InventoryHold(h.Key, h.Value.Quantity, h.Value.Status, h.Value.ExpiresAt, h.Value.ExpiresAt, h.Value.Lines)).ToList();
            var held = holds.Where(h => h.Status == "Held").Sum(h => h.Quantity);
            var sold = holds.Where(h => h.Status == "Confirmed").Sum(h => h.Quantity);
            var types = new[] { new FakeTicketType(e.TicketTypeId, "Standard", e.Price) }.Concat(e.MoreTypes)
                .Select(t => new InventoryTicketType(t.Id, t.Name, t.Price, null, Sum(holds, "Held", t.Id), Sum(holds, "Confirmed", t.Id), e.Capacity - held - sold))
                .ToList();
            return Task.FromResult(InventoryResult.Ok(new InventorySnapshot(eventId, e.Capacity, held, sold, e.Capacity - held - sold, time.GetUtcNow(), holds, types)));
        }
    }

    private static int Sum(List<InventoryHold> holds, string status, Guid typeId) =>
        holds.Where(h => h.Status == status).SelectMany(h => h.Lines ?? []).Where(l => l.TicketTypeId == typeId).Sum(l => l.Quantity);

    private int Available(FakeEvent e)
    {
        var now = time.GetUtcNow();
        var used = _holds.Values.Where(h => h.EventId == e.Id && (h.Status == "Confirmed" || (h.Status == "Held" && h.ExpiresAt > now))).Sum(h => h.Quantity);
        return e.Capacity - used;
    }

    private HoldInfo Info(FakeEvent e, Guid holdId, FakeHold hold) =>
        new(holdId, e.Id, hold.Quantity, hold.Status, hold.ExpiresAt, hold.Lines.Count == 1 ? hold.Lines[0].UnitPrice : e.Price, e.Currency,
            "Event " + e.Id, e.StartsAt, e.OrganizerId, hold.Lines.Sum(l => l.Quantity * l.UnitPrice), hold.Lines);
}
