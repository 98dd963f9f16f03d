namespace Events.Api.Seating;

/// <summary>The search behind <see cref="BestAvailable.Find"/>: the passes, the greedy split, and one sliding-window scan.</summary>
public static partial class BestAvailable
{
    /// <summary>A party without wheelchair users: without accessible seats first, then (only if that fails) with as few as possible.</summary>
    private static BestAvailableResult ForParty(ref Scan scan, int partySize)
    {
        scan.AllowAccessible = false;
        scan.WheelchairSpaces = -1;
        if (TryParty(ref scan, partySize) is { } withoutAccessible)
        {
            return withoutAccessible;
        }
        scan.AllowAccessible = true;
        return TryParty(ref scan, partySize) ?? BestAvailableResult.NotEnough;
    }

    /// <summary>A party with <paramref name="wheelchairSpaces"/> wheelchair users: one block holding exactly that many wheelchair spaces, never split.</summary>
    private static BestAvailableResult ForWheelchairUsers(ref Scan scan, int partySize, int wheelchairSpaces)
    {
        scan.AllowAccessible = true;
        scan.WheelchairSpaces = wheelchairSpaces;
        var block = scan.BestBlock(partySize, anchor: null);
        return block.Found
            ? new BestAvailableResult(BestAvailableOutcome.Together, [scan.Group(block.Start, partySize)], block.Key.RankSum, block.Key.Orphans, false)
            : BestAvailableResult.NotEnough;
    }

    /// <summary>Together if a block exists, else the greedy split, else null (fewer eligible seats than the party).</summary>
    private static BestAvailableResult? TryParty(ref Scan scan, int partySize)
    {
        var block = scan.BestBlock(partySize, anchor: null);
        if (block.Found)
        {
            var group = scan.Group(block.Start, partySize);
            return new BestAvailableResult(BestAvailableOutcome.Together, [group], block.Key.RankSum, block.Key.Orphans, UsesAccessible(group));
        }
        if (block.Eligible < partySize)
        {
            return null;
        }
        var groups = new List<SeatGroup>(2);
        var (remaining, longest, rankSum, orphans) = (partySize, block.Longest, 0L, 0);
        Anchor? anchor = null;
        while (remaining > 0)
        {
            var size = Math.Min(remaining, longest);
            var part = scan.BestBlock(size, anchor);
            // There is a run of `size` eligible seats (`longest` says so) and nothing changed since it was measured.
            var group = scan.Group(part.Start, size);
            groups.Add(group);
            anchor ??= scan.AnchorAt(part.Start, size);
            (rankSum, orphans) = (rankSum + part.Key.RankSum, orphans + part.Key.Orphans);
            scan.Take(part.Start, size);
            remaining -= size;
            longest = remaining > 0 ? scan.BestBlock(1, anchor: null).Longest : 0;
        }
        var usesAccessible = false;
        foreach (var g in groups)
        {
            usesAccessible |= UsesAccessible(g);
        }
        return new BestAvailableResult(BestAvailableOutcome.Split, groups, rankSum, orphans, usesAccessible);
    }

    private static bool UsesAccessible(SeatGroup group)
    {
        foreach (var seat in group.Seats)
        {
            if (seat.IsAccessible)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Where the first group of a split sits: later groups are placed near it.</summary>
    private readonly record struct Anchor(int Area, int RowInArea, long Center2);

    /// <summary>
    /// How a block compares, lexicographically (lower is better): accessible seats used (only when they are a last resort),
    /// distance to the split's first group (areas apart, rows apart, twice the distance between centres), score, orphan
    /// change, pieces the run is left in. <see cref="RankSum"/> travels along for the answer.
    /// </summary>
    private readonly record struct Key(int Accessible, int AreasApart, int RowsApart, long Across, long Score, int Orphans, int Pieces, long RankSum)
    {
        public bool IsBetterThan(in Key other) =>
            Accessible != other.Accessible ? Accessible < other.Accessible
            : AreasApart != other.AreasApart ? AreasApart < other.AreasApart
            : RowsApart != other.RowsApart ? RowsApart < other.RowsApart
            : Across != other.Across ? Across < other.Across
            : Score != other.Score ? Score < other.Score
            : Orphans != other.Orphans ? Orphans < other.Orphans
            : Pieces < other.Pieces;
    }

    /// <summary>The best block found (if any), and what the scan saw: eligible seats and the longest run of them.</summary>
    private readonly record struct Block(bool Found, int Start, Key Key, int Eligible, int Longest);

    /// <summary>One search's state: the snapshot, the seats taken so far (exclusions, then a split's groups), and the rules.</summary>
    private struct Scan(SeatSnapshot snapshot, bool[] taken, string[]? categories, bool allowRestrictedView, int orphanPenalty)
    {
        private readonly SeatCandidate[] _seats = snapshot.Array;

        /// <summary>Whether wheelchair spaces and companion seats may be offered (and then counted, to use as few as possible).</summary>
        public bool AllowAccessible { get; set; }

        /// <summary>How many wheelchair spaces a block must hold exactly, or -1 for no such rule.</summary>
        public int WheelchairSpaces { get; set; }

        private readonly bool Free(int i) => _seats[i].IsAvailable && !taken[i];

        private readonly bool Eligible(int i)
        {
            ref readonly var seat = ref _seats[i];
            if (!seat.IsAvailable || taken[i] || (seat.HasRestrictedView && !allowRestrictedView) || (seat.IsAccessible && !AllowAccessible))
            {
                return false;
            }
            if (categories is null)
            {
                return true;
            }
            foreach (var category in categories)
            {
                if (string.Equals(category, seat.Category, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }

        public readonly SeatGroup Group(int start, int size) =>
            new(_seats[start].AreaId, _seats[start].Row, _seats.AsSpan(start, size).ToArray());

        public readonly void Take(int start, int size) => taken.AsSpan(start, size).Fill(true);

        public readonly Anchor AnchorAt(int start, int size)
        {
            var row = RowOf(start);
            return new Anchor(snapshot.RowArea(row), snapshot.RowInArea(row), (long)_seats[start].Position + _seats[start + size - 1].Position);
        }

        private readonly int RowOf(int index)
        {
            int lo = 0, hi = snapshot.RowCount - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (snapshot.RowStart(mid) <= index)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        /// <summary>The best block of <paramref name="size"/> eligible seats side by side, near <paramref name="anchor"/> if given. One pass.</summary>
        public readonly Block BestBlock(int size, Anchor? anchor)
        {
            var best = new Block(false, -1, default, 0, 0);
            var (eligible, longest) = (0, 0);
            for (var row = 0; row < snapshot.RowCount; row++)
            {
                int areasApart = 0, rowsApart = 0;
                if (anchor is { } a)
                {
                    areasApart = Math.Abs(snapshot.RowArea(row) - a.Area);
                    rowsApart = areasApart == 0 ? Math.Abs(snapshot.RowInArea(row) - a.RowInArea) : 0;
                }
                for (int i = snapshot.RowStart(row), end = snapshot.RowEnd(row); i < end;)
                {
                    if (!Free(i))
                    {
                        i++;
                        continue;
                    }
                    var freeStart = i++;
                    while (i < end && Free(i) && _seats[i].Position == _seats[i - 1].Position + 1)
                    {
                        i++;
                    }
                    var freeEnd = i;
                    for (var j = freeStart; j < freeEnd;)
                    {
                        if (!Eligible(j))
                        {
                            j++;
                            continue;
                        }
                        var runStart = j++;
                        while (j < freeEnd && Eligible(j))
                        {
                            j++;
                        }
                        eligible += j - runStart;
                        longest = Math.Max(longest, j - runStart);
                        if (j - runStart >= size)
                        {
                            Slide(size, runStart, j, freeStart, freeEnd, areasApart, rowsApart, anchor, ref best);
                        }
                    }
                }
            }
            return best with { Eligible = eligible, Longest = longest };
        }

        /// <summary>Every block of <paramref name="size"/> in the eligible run [runStart, runEnd) of the free run [freeStart, freeEnd).</summary>
        private readonly void Slide(int size, int runStart, int runEnd, int freeStart, int freeEnd, int areasApart, int rowsApart, Anchor? anchor, ref Block best)
        {
            long rankSum = 0;
            int wheelchair = 0, accessible = 0;
            for (var k = runStart; k < runEnd; k++)
            {
                ref readonly var seat = ref _seats[k];
                rankSum += seat.Rank;
                wheelchair += seat.IsWheelchairSpace ? 1 : 0;
                accessible += seat.IsAccessible ? 1 : 0;
                if (k - runStart >= size)
                {
                    ref readonly var gone = ref _seats[k - size];
                    rankSum -= gone.Rank;
                    wheelchair -= gone.IsWheelchairSpace ? 1 : 0;
                    accessible -= gone.IsAccessible ? 1 : 0;
                }
                if (k - runStart + 1 < size || (WheelchairSpaces >= 0 && wheelchair != WheelchairSpaces))
                {
                    continue;
                }
                var start = k - size + 1;
                var (left, right) = (start - freeStart, freeEnd - k - 1);
                var orphans = (left == 1 ? 1 : 0) + (right == 1 ? 1 : 0) - (freeEnd - freeStart == 1 ? 1 : 0);
                var key = new Key(
                    WheelchairSpaces < 0 && AllowAccessible ? accessible : 0,
                    areasApart, rowsApart,
                    anchor is { } a ? Math.Abs(_seats[start].Position + (long)seat.Position - a.Center2) : 0,
                    rankSum + (long)orphanPenalty * size * orphans,
                    orphans,
                    (left > 0 ? 1 : 0) + (right > 0 ? 1 : 0),
                    rankSum);
                if (!best.Found || key.IsBetterThan(best.Key))
                {
                    best = new Block(true, start, key, 0, 0);
                }
            }
        }
    }
}
