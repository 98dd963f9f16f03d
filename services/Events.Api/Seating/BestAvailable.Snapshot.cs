namespace Events.Api.Seating;

/// <summary>
/// One seat as best available sees it: its id, where it is (area, row, <see cref="Position"/> along the row), its price
/// <see cref="Category"/>, its quality <see cref="Rank"/> (lower is better), its marks, and whether it can be sold now.
/// Two seats of a row are side by side only when their positions differ by exactly 1: a missing position is an aisle or a gap.
/// </summary>
public readonly record struct SeatCandidate(
    string Id, string AreaId, string Row, int Position, string Category, int Rank, bool IsAvailable,
    bool IsWheelchairSpace = false, bool IsCompanionSeat = false, bool HasRestrictedView = false)
{
    /// <summary>A wheelchair space or a companion seat: kept for parties that ask for wheelchair spaces (see <see cref="BestAvailable"/>).</summary>
    public bool IsAccessible => IsWheelchairSpace || IsCompanionSeat;
}

/// <summary>
/// The seats of a hall at one moment, in plan order: area by area, row by row (front to back, as the rows first appear in the
/// input), and by position inside a row. Rows that follow each other in an area are neighbours (a split party sits in them).
/// Build one per read of the seat inventory and ask <see cref="BestAvailable"/> as often as needed; it is immutable and may be
/// shared between threads. Seat ids must be distinct (only checked when an exclusion list is first used).
/// </summary>
public sealed class SeatSnapshot
{
    private readonly SeatCandidate[] _seats;
    private readonly int[] _rowStart;   // row r holds _seats[_rowStart[r] .. _rowStart[r + 1])
    private readonly int[] _rowArea;    // the area of row r, numbered in plan order
    private readonly int[] _rowInArea;  // row r's place among its area's rows (0 = first)
    private Dictionary<string, int>? _indexById;

    private SeatSnapshot(SeatCandidate[] seats, int[] rowStart, int[] rowArea, int[] rowInArea)
    {
        _seats = seats;
        _rowStart = rowStart;
        _rowArea = rowArea;
        _rowInArea = rowInArea;
    }

    /// <summary>The seats in plan order.</summary>
    public ReadOnlySpan<SeatCandidate> Seats => _seats;

    public int Count => _seats.Length;

    public int RowCount => _rowArea.Length;

    internal SeatCandidate[] Array => _seats;

    internal int RowStart(int row) => _rowStart[row];

    internal int RowEnd(int row) => _rowStart[row + 1];

    internal int RowArea(int row) => _rowArea[row];

    internal int RowInArea(int row) => _rowInArea[row];

    /// <summary>
    /// A snapshot of <paramref name="seats"/>. Input already in plan order (each row's seats together and by rising position,
    /// each area's rows together) costs one pass, O(n); anything else is ordered once, O(n log n).
    /// </summary>
    /// <exception cref="ArgumentException">Two seats of one row share a position.</exception>
    public static SeatSnapshot Create(IEnumerable<SeatCandidate> seats)
    {
        ArgumentNullException.ThrowIfNull(seats);
        var array = seats.ToArray();
        if (!IsInPlanOrder(array))
        {
            array = ToPlanOrder(array);
        }
        var rowStart = new List<int>();
        var rowArea = new List<int>();
        var rowInArea = new List<int>();
        int area = -1, inArea = 0;
        for (var i = 0; i < array.Length; i++)
        {
            var s = array[i];
            if (i == 0 || !SameRow(array[i - 1], s))
            {
                if (i == 0 || !string.Equals(array[i - 1].AreaId, s.AreaId, StringComparison.Ordinal))
                {
                    area++;
                    inArea = 0;
                }
                rowStart.Add(i);
                rowArea.Add(area);
                rowInArea.Add(inArea++);
            }
            else if (array[i - 1].Position == s.Position)
            {
                throw new ArgumentException($"Seats '{array[i - 1].Id}' and '{s.Id}' share position {s.Position} of row '{s.Row}' in area '{s.AreaId}'.", nameof(seats));
            }
        }
        rowStart.Add(array.Length);
        return new SeatSnapshot(array, [.. rowStart], [.. rowArea], [.. rowInArea]);
    }

    /// <summary>The place of seat <paramref name="id"/> in <see cref="Seats"/>, or -1.</summary>
    public int IndexOf(string id)
    {
        var index = _indexById;
        if (index is null)
        {
            index = new Dictionary<string, int>(_seats.Length, StringComparer.Ordinal);
            for (var i = 0; i < _seats.Length; i++)
            {
                if (!index.TryAdd(_seats[i].Id, i))
                {
                    throw new InvalidOperationException($"Seat id '{_seats[i].Id}' appears twice in the snapshot.");
                }
            }
            index = Interlocked.CompareExchange(ref _indexById, index, null) ?? index;
        }
        return index.TryGetValue(id, out var at) ? at : -1;
    }

    private static bool SameRow(in SeatCandidate a, in SeatCandidate b) =>
        string.Equals(a.AreaId, b.AreaId, StringComparison.Ordinal) && string.Equals(a.Row, b.Row, StringComparison.Ordinal);

    /// <summary>Whether each row's seats come together by strictly rising position and each area's rows together.</summary>
    private static bool IsInPlanOrder(SeatCandidate[] seats)
    {
        HashSet<(string, string)>? rowsSeen = null;
        HashSet<string>? areasSeen = null;
        for (var i = 1; i < seats.Length; i++)
        {
            var (before, s) = (seats[i - 1], seats[i]);
            if (SameRow(before, s))
            {
                if (s.Position <= before.Position)
                {
                    return false;
                }
                continue;
            }
            (rowsSeen ??= new() { (before.AreaId, before.Row) }).Add((before.AreaId, before.Row));
            if (!rowsSeen.Add((s.AreaId, s.Row)))
            {
                return false;
            }
            if (!string.Equals(before.AreaId, s.AreaId, StringComparison.Ordinal))
            {
                (areasSeen ??= new(StringComparer.Ordinal) { before.AreaId }).Add(before.AreaId);
                if (!areasSeen.Add(s.AreaId))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Areas in order of first appearance, their rows in order of first appearance, seats by position (ties kept in input order).</summary>
    private static SeatCandidate[] ToPlanOrder(SeatCandidate[] seats)
    {
        var areaOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowOrder = new Dictionary<(string, string), int>();
        var keys = new (int Area, int Row, int Position, int Input)[seats.Length];
        for (var i = 0; i < seats.Length; i++)
        {
            var s = seats[i];
            if (!areaOrder.TryGetValue(s.AreaId, out var area))
            {
                areaOrder[s.AreaId] = area = areaOrder.Count;
            }
            if (!rowOrder.TryGetValue((s.AreaId, s.Row), out var row))
            {
                rowOrder[(s.AreaId, s.Row)] = row = rowOrder.Count;
            }
            keys[i] = (area, row, s.Position, i);
        }
        System.Array.Sort(keys);
        var ordered = new SeatCandidate[seats.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            ordered[i] = seats[keys[i].Input];
        }
        return ordered;
    }
}
