namespace Events.Api.Seating;

/// <summary>What <see cref="BestAvailable.Find"/> found.</summary>
public enum BestAvailableOutcome
{
    /// <summary>One block of the whole party: side by side in one row of one area.</summary>
    Together = 0,

    /// <summary>No block of the whole party exists: the fewest groups, each side by side, placed close together. Ask the buyer.</summary>
    Split = 1,

    /// <summary>The party cannot be seated under the request's rules (fewer seats than it needs, or for wheelchair users no block; see <see cref="BestAvailable"/>).</summary>
    NotEnough = 2,
}

/// <summary>
/// Ask for the best <paramref name="PartySize"/> seats. <see cref="Categories"/> limits the price categories (none: any).
/// Restricted-view seats are only offered with <see cref="AllowRestrictedView"/>. <see cref="WheelchairSpaces"/> of the party
/// are wheelchair users (the rest may sit on companion or ordinary seats). <see cref="ExcludedSeatIds"/> are treated as taken:
/// a caller whose hold lost a race retries with them instead of reading the seats again. <see cref="OrphanPenalty"/> is what a
/// block pays for each single seat it strands, in points of mean rank (see <see cref="BestAvailable"/>).
/// </summary>
public sealed record BestAvailableRequest(int PartySize)
{
    public const int MaxPartySize = 10;

    /// <summary>An orphan costs as much as every seat of the party sitting one rank worse.</summary>
    public const int DefaultOrphanPenalty = 1;

    public IReadOnlyCollection<string>? Categories { get; init; }

    public bool AllowRestrictedView { get; init; }

    public int WheelchairSpaces { get; init; }

    public IReadOnlyCollection<string>? ExcludedSeatIds { get; init; }

    public int OrphanPenalty { get; init; } = DefaultOrphanPenalty;

    /// <summary>What is wrong with this request, by field (empty when it can be asked).</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (PartySize is < 1 or > MaxPartySize)
        {
            errors["partySize"] = [$"A party is 1 to {MaxPartySize} seats."];
        }
        if (WheelchairSpaces < 0 || WheelchairSpaces > Math.Max(PartySize, 0))
        {
            errors["wheelchairSpaces"] = ["Wheelchair spaces are 0 to the party size."];
        }
        if (OrphanPenalty < 0)
        {
            errors["orphanPenalty"] = ["The orphan penalty is 0 or more."];
        }
        return errors;
    }
}

/// <summary>Seats of a party that sit side by side: one row of one area, by rising position.</summary>
public sealed record SeatGroup(string AreaId, string Row, IReadOnlyList<SeatCandidate> Seats);

/// <summary>
/// The answer of <see cref="BestAvailable.Find"/>: the <see cref="Outcome"/>, the <see cref="Groups"/> (one when together,
/// several when split, none when not enough), the sum of their ranks, how the number of orphan single seats in the hall
/// changes if they are taken (negative when a pick fills a lone seat), and whether wheelchair spaces or companion seats had
/// to be given to a party that did not ask for them.
/// </summary>
public sealed record BestAvailableResult(
    BestAvailableOutcome Outcome, IReadOnlyList<SeatGroup> Groups, long RankSum, int OrphanChange, bool UsesAccessibleSeats)
{
    public static readonly BestAvailableResult NotEnough = new(BestAvailableOutcome.NotEnough, [], 0, 0, false);

    public IEnumerable<SeatCandidate> Seats => Groups.SelectMany(g => g.Seats);

    public IEnumerable<string> SeatIds => Seats.Select(s => s.Id);
}

/// <summary>A run of available seats: side by side in one row, from <see cref="FirstIndex"/> in <see cref="SeatSnapshot.Seats"/>.</summary>
public readonly record struct SeatRun(string AreaId, string Row, int FirstPosition, int Length, int FirstIndex);

/// <summary>
/// Best available N together: picks the seats a party of 1–<see cref="BestAvailableRequest.MaxPartySize"/> gets when it does
/// not choose on the map. A pure function of a <see cref="SeatSnapshot"/> and a <see cref="BestAvailableRequest"/>.
/// <para>
/// <b>Which seats may be offered.</b> Available, not excluded, of a requested category, and not restricted-view unless
/// allowed. <b>Wheelchair rule:</b> wheelchair spaces and companion seats ("accessible seats") are kept for parties that ask
/// for wheelchair spaces. A party asking for none is first seated without them (together, else split); only if that cannot
/// seat it at all are they offered, as few as possible, and the result says so (<see cref="BestAvailableResult.UsesAccessibleSeats"/>).
/// A party asking for k wheelchair spaces gets one block holding exactly k of them (its other members on companion or ordinary
/// seats of the block); it is never split: without such a block the answer is <see cref="BestAvailableOutcome.NotEnough"/>
/// and the buyer picks on the map.
/// </para>
/// <para>
/// <b>Scoring a block</b> of N seats inside a run of free (available, not excluded) seats, leaving a free seats on its left
/// and b on its right: score = sum of ranks + <see cref="BestAvailableRequest.OrphanPenalty"/> × N × orphan change, where
/// orphan change = [a = 1] + [b = 1] − [the block fills a lone seat]. So an orphan costs as much as every seat of the party
/// sitting OrphanPenalty ranks worse: a block that strands a seat loses to a near-equal one that does not. Blocks compare by
/// (accessible seats used, score, orphan change, pieces left of the run = [a &gt; 0] + [b &gt; 0], plan order): the
/// fewest-pieces key makes a pick that fills a gap exactly win a tie, and the last key makes the answer deterministic (the
/// first block in plan order: area, row, position).
/// </para>
/// <para>
/// <b>Split</b> (no block of N): greedy, largest group first. Each group is the longest block still possible (capped at the
/// seats still to place), so the number of groups is the fewest possible; the first is the best-scoring such block, every
/// later one the closest to the first (same area, then fewest rows away, then nearest along the row), then by score.
/// </para>
/// <para>
/// <b>Cost.</b> One pass over the seats per block searched, with a sliding window over each run: O(n) for a together answer,
/// at most O(N·n) for a split (N ≤ 10), O(n) for <see cref="CountOrphans"/> and <see cref="AvailableRuns"/>. No LINQ and no
/// allocation in the scan; a call rents one scratch array of n bools and allocates only its answer and a copy of the category filter (and, the first time a
/// snapshot meets exclusions, its id index).
/// </para>
/// </summary>
public static partial class BestAvailable
{
    /// <summary>The best seats for <paramref name="request"/> in <paramref name="snapshot"/>.</summary>
    /// <exception cref="ArgumentException">The request is invalid (<see cref="BestAvailableRequest.Validate"/>).</exception>
    public static BestAvailableResult Find(SeatSnapshot snapshot, BestAvailableRequest request)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(request);
        if (request.PartySize is < 1 or > BestAvailableRequest.MaxPartySize || request.WheelchairSpaces < 0
            || request.WheelchairSpaces > request.PartySize || request.OrphanPenalty < 0)
        {
            throw new ArgumentException(string.Join(" ", request.Validate().Values.SelectMany(v => v)), nameof(request));
        }
        var taken = System.Buffers.ArrayPool<bool>.Shared.Rent(snapshot.Count);
        try
        {
            System.Array.Clear(taken, 0, snapshot.Count);
            if (request.ExcludedSeatIds is { Count: > 0 } excluded)
            {
                foreach (var id in excluded)
                {
                    if (snapshot.IndexOf(id) is var at and >= 0)
                    {
                        taken[at] = true;
                    }
                }
            }
            string[]? categories = request.Categories is { Count: > 0 } c ? [.. c] : null;
            var scan = new Scan(snapshot, taken, categories, request.AllowRestrictedView, request.OrphanPenalty);
            return request.WheelchairSpaces > 0
                ? ForWheelchairUsers(ref scan, request.PartySize, request.WheelchairSpaces)
                : ForParty(ref scan, request.PartySize);
        }
        finally
        {
            System.Buffers.ArrayPool<bool>.Shared.Return(taken);
        }
    }

    /// <summary>
    /// How many orphan single seats the snapshot holds: available seats whose neighbours on both sides (positions ± 1 in the
    /// row) are taken or absent. O(n).
    /// </summary>
    public static int CountOrphans(SeatSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var orphans = 0;
        var seats = snapshot.Array;
        for (var row = 0; row < snapshot.RowCount; row++)
        {
            for (int i = snapshot.RowStart(row), end = snapshot.RowEnd(row); i < end;)
            {
                var run = RunLength(seats, i, end);
                orphans += run == 1 ? 1 : 0;
                i += Math.Max(run, 1);
            }
        }
        return orphans;
    }

    /// <summary>The runs of available seats, row by row in plan order. O(n).</summary>
    public static IReadOnlyList<SeatRun> AvailableRuns(SeatSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var runs = new List<SeatRun>();
        var seats = snapshot.Array;
        for (var row = 0; row < snapshot.RowCount; row++)
        {
            for (int i = snapshot.RowStart(row), end = snapshot.RowEnd(row); i < end;)
            {
                var run = RunLength(seats, i, end);
                if (run > 0)
                {
                    runs.Add(new SeatRun(seats[i].AreaId, seats[i].Row, seats[i].Position, run, i));
                }
                i += Math.Max(run, 1);
            }
        }
        return runs;
    }

    /// <summary>How many available seats stand side by side from <paramref name="i"/> (0 when seat i is not available).</summary>
    private static int RunLength(SeatCandidate[] seats, int i, int end)
    {
        if (!seats[i].IsAvailable)
        {
            return 0;
        }
        var j = i + 1;
        while (j < end && seats[j].IsAvailable && seats[j].Position == seats[j - 1].Position + 1)
        {
            j++;
        }
        return j - i;
    }
}
