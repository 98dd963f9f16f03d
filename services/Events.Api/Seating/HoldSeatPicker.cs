using System.Globalization;
using Events.Api.Model;

namespace Events.Api.Seating;

/// <summary>A seat of a seat category's ticket type as a hold reads it (under the event's counters lock).</summary>
public sealed record SeatForSale(Guid TicketTypeId, string Id, string AreaId, string Row, string Number, double X, int Rank, SeatFlags Flags,
    bool IsAvailable);

/// <summary>What <see cref="HoldSeatPicker.Pick"/> decided for one hold: the seats of each line, or why not (and which seats).</summary>
public sealed record SeatPick(PlaceHoldResult? Refusal, IReadOnlyDictionary<Guid, IReadOnlyList<string>> LineSeats, IReadOnlyList<string> RefusedSeatIds,
    Guid? RefusedLine = null);

/// <summary>
/// Decides which seats the holds of one batch take, in arrival order, from the event's seats read once under its counters lock
/// (every change of a seat's status holds that lock, so the read is exact until the batch commits: no retry, no lost race). A
/// line of a seated type takes its named seats (each one this type's and available, all or none) or best available ones
/// (<see cref="BestAvailable"/>, the seats taken earlier in the batch excluded); a hold's seats count as taken only once the whole
/// hold is granted (<see cref="Take"/>), so a refused hold takes none. Lines of other types are left to the counters.
/// </summary>
public sealed class HoldSeatPicker
{
    private readonly IReadOnlySet<Guid> _seatedTypes;
    private readonly Dictionary<string, SeatForSale> _byId;
    private readonly Dictionary<Guid, SeatSnapshot> _snapshots = [];
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<SeatForSale> _seats;

    public HoldSeatPicker(IReadOnlySet<Guid> seatedTypes, IReadOnlyList<SeatForSale> seats)
    {
        _seatedTypes = seatedTypes;
        _seats = seats;
        _byId = seats.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    /// <summary>The seats of <paramref name="lines"/> (as resolved) for <paramref name="request"/>; the caller <see cref="Take"/>s them once the hold is granted.</summary>
    public SeatPick Pick(HoldRequest request, IReadOnlyList<HoldLine> lines)
    {
        var picked = new Dictionary<Guid, IReadOnlyList<string>>();
        var inThisHold = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var asked = request.Lines.FirstOrDefault(l => l.TicketTypeId == line.TicketTypeId);
            if (!_seatedTypes.Contains(line.TicketTypeId))
            {
                if (asked?.SeatIds is { Count: > 0 } || asked?.BestAvailable is not null)
                {
                    return new SeatPick(PlaceHoldResult.SeatNotOfType, picked, asked.SeatIds ?? [], line.TicketTypeId);
                }

                continue;
            }

            var (refusal, seats) = asked?.SeatIds is { Count: > 0 } named
                ? Named(line.TicketTypeId, named)
                : Best(line.TicketTypeId, line.Quantity, asked?.BestAvailable ?? SeatPreferences.CountOnly, inThisHold);
            if (refusal is not null)
            {
                return new SeatPick(refusal, picked, refusal is PlaceHoldResult.SoldOut or PlaceHoldResult.SeatsNotTogether ? [] : seats, line.TicketTypeId);
            }

            picked[line.TicketTypeId] = seats;
            inThisHold.UnionWith(seats);
        }

        return new SeatPick(null, picked, []);
    }

    /// <summary>The seats of a granted pick are taken for the rest of the batch.</summary>
    public void Take(SeatPick pick)
    {
        foreach (var seats in pick.LineSeats.Values)
        {
            _taken.UnionWith(seats);
        }
    }

    /// <summary>Named seats: every one this type's (else <see cref="PlaceHoldResult.SeatNotOfType"/>) and available (else not available), all named.</summary>
    private (PlaceHoldResult?, IReadOnlyList<string>) Named(Guid typeId, IReadOnlyList<string> seatIds)
    {
        var foreign = seatIds.Where(id => !_byId.TryGetValue(id, out var seat) || seat.TicketTypeId != typeId).ToList();
        if (foreign.Count > 0)
        {
            return (PlaceHoldResult.SeatNotOfType, foreign);
        }

        var gone = seatIds.Where(id => !_byId[id].IsAvailable || _taken.Contains(id)).ToList();
        return gone.Count > 0 ? (PlaceHoldResult.SeatNotAvailable, gone) : (null, seatIds.ToList());
    }

    /// <summary>
    /// Best available <paramref name="quantity"/> seats of the type: one block, else (when allowed) the fewest groups; a party larger
    /// than <see cref="BestAvailableRequest.MaxPartySize"/> (count-only lines, which allow a split) is seated in parties of at most that.
    /// </summary>
    private (PlaceHoldResult?, IReadOnlyList<string>) Best(Guid typeId, int quantity, SeatPreferences wishes, HashSet<string> inThisHold)
    {
        var snapshot = SnapshotOf(typeId);
        var seats = new List<string>(quantity);
        while (seats.Count < quantity)
        {
            var party = Math.Min(quantity - seats.Count, BestAvailableRequest.MaxPartySize);
            var found = BestAvailable.Find(snapshot, new BestAvailableRequest(party)
            {
                WheelchairSpaces = Math.Min(wishes.WheelchairSpaces, party),
                AllowRestrictedView = wishes.AllowRestrictedView,
                ExcludedSeatIds = [.. _taken, .. inThisHold, .. seats],
            });
            if (found.Outcome == BestAvailableOutcome.NotEnough)
            {
                return (PlaceHoldResult.SoldOut, []);
            }

            if (found.Outcome == BestAvailableOutcome.Split && !wishes.AllowSplit)
            {
                return (PlaceHoldResult.SeatsNotTogether, []);
            }

            seats.AddRange(found.SeatIds);
        }

        return (null, seats);
    }

    /// <summary>
    /// The type's seats as best available sees them. A seat's position along its row is its number when every number of the row is
    /// a distinct whole number (so a gap in the numbering is a gap on the floor), else its place in the row from left to right.
    /// </summary>
    private SeatSnapshot SnapshotOf(Guid typeId)
    {
        if (_snapshots.TryGetValue(typeId, out var known))
        {
            return known;
        }

        var candidates = new List<SeatCandidate>();
        foreach (var row in _seats.Where(s => s.TicketTypeId == typeId).GroupBy(s => (s.AreaId, s.Row)))
        {
            var numbers = row.Select(s => int.TryParse(s.Number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).ToList();
            var numbered = numbers.All(n => n is not null) && numbers.Distinct().Count() == numbers.Count;
            var byX = row.OrderBy(s => s.X).ToList();
            candidates.AddRange(row.Select((s, i) => new SeatCandidate(s.Id, s.AreaId, s.Row, numbered ? numbers[i]!.Value : byX.IndexOf(s),
                typeId.ToString(), s.Rank, s.IsAvailable, s.Flags.HasFlag(SeatFlags.Wheelchair), s.Flags.HasFlag(SeatFlags.Companion),
                s.Flags.HasFlag(SeatFlags.RestrictedView))));
        }

        return _snapshots[typeId] = SeatSnapshot.Create(candidates);
    }
}
