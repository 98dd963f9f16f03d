using System.Globalization;

namespace Events.Api.Seating;

/// <summary>How seats are numbered along a row, seen from the audience facing the stage.</summary>
public enum SeatNumbering
{
    LeftToRight = 0,
    RightToLeft = 1,
}

/// <summary>How rows are laid out: straight, on arcs around the stage, or with every second row shifted by half a seat.</summary>
public enum RowLayout
{
    Straight = 0,
    Curved = 1,
    Staggered = 2,
}

/// <summary>
/// The body of <c>POST /api/venue-plans/{planId}/areas</c>: a reserved area of <c>rows</c> × <c>seatsPerRow</c> seats, or a
/// general-admission area (<c>capacity</c>, no rows).
/// </summary>
public sealed record GenerateAreaRequest(
    string? Id, string? Name, string? Kind, int? Rows, int? SeatsPerRow, string? FirstRow, int? FirstNumber, string? Numbering,
    string? Layout, string? Category, int? Capacity, double? OriginX, double? OriginY, double? SeatSpacing, double? RowSpacing,
    double? ArcDegrees, int? RankStart);

/// <summary>One edit of <c>PATCH /api/venue-plans/{planId}/seats</c>: the members given change, the others stay.</summary>
public sealed record SeatEdit(string? SeatId, bool? Present, string? Row, string? Number, string? Category, int? Rank,
    bool? Wheelchair, bool? Companion, bool? RestrictedView);

public sealed record SeatEditsRequest(IReadOnlyList<SeatEdit>? Edits);

/// <summary>Building a plan without drawing tools: generate an area, then edit single seats. Each answers a whole new content.</summary>
public static class PlanEditing
{
    public const int MaxRows = 100;
    public const int MaxSeatsPerRow = 200;
    public const int MaxEdits = 5_000;
    public const double DefaultSeatSpacing = 10;
    public const double DefaultRowSpacing = 12;
    public const double DefaultArcDegrees = 60;

    /// <summary>The content with the generated area added at the end, or the field errors of the request.</summary>
    public static (PlanContent? Content, Dictionary<string, string[]> Errors) AddArea(PlanContent content, GenerateAreaRequest? request)
    {
        var errors = new PlanRules.Errors();
        if (request is null)
        {
            errors.Add("body", "A JSON body is required.");
            return (null, errors.Fields);
        }

        if (string.IsNullOrEmpty(request.Id) || !PlanRules.KeyPattern().IsMatch(request.Id))
        {
            errors.Add("id", "An area id is 1–40 lower-case letters, digits or '-', starting with a letter or digit.");
        }
        else if (content.Areas.Any(a => a.Id == request.Id))
        {
            errors.Add("id", $"The plan already has an area '{request.Id}'.");
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 80)
        {
            errors.Add("name", "The area's name is 1–80 characters.");
        }

        var kind = request.Kind ?? nameof(AreaKind.Reserved);
        if (kind == nameof(AreaKind.GeneralAdmission))
        {
            if (request.Capacity is not { } capacity || capacity < 1 || capacity > PlanRules.MaxAreaCapacity)
            {
                errors.Add("capacity", $"A general-admission area's capacity is between 1 and {PlanRules.MaxAreaCapacity}.");
            }

            if (errors.Count > 0)
            {
                return (null, errors.Fields);
            }

            return Checked(content with { Areas = [.. content.Areas, new PlanArea(request.Id!, name!, AreaKind.GeneralAdmission, request.Capacity, [])] });
        }

        if (kind != nameof(AreaKind.Reserved))
        {
            errors.Add("kind", "Reserved or GeneralAdmission.");
        }

        if (request.Rows is not { } rows || rows < 1 || rows > MaxRows)
        {
            errors.Add("rows", $"Between 1 and {MaxRows} rows.");
        }

        if (request.SeatsPerRow is not { } perRow || perRow < 1 || perRow > MaxSeatsPerRow)
        {
            errors.Add("seatsPerRow", $"Between 1 and {MaxSeatsPerRow} seats per row.");
        }
        else if (request.Rows is { } r && content.SeatCount + (r * perRow) > PlanRules.MaxSeats)
        {
            errors.Add("seatsPerRow", $"A plan has at most {PlanRules.MaxSeats} seats ({content.SeatCount} already).");
        }

        var firstRow = string.IsNullOrWhiteSpace(request.FirstRow) ? "A" : request.FirstRow.Trim();
        if (!(firstRow.All(char.IsAsciiLetterUpper) && firstRow.Length <= 2) && !(firstRow.All(char.IsAsciiDigit) && firstRow.Length <= 4))
        {
            errors.Add("firstRow", "The first row's label is one or two capital letters (A, AA) or a number.");
        }

        var firstNumber = request.FirstNumber ?? 1;
        if (firstNumber is < 0 or > 9_000)
        {
            errors.Add("firstNumber", "Between 0 and 9000.");
        }

        var numbering = SeatNumbering.LeftToRight;
        if (request.Numbering is { } numberingName && !TryParse(numberingName, out numbering))
        {
            errors.Add("numbering", "LeftToRight or RightToLeft.");
        }

        var layout = RowLayout.Straight;
        if (request.Layout is { } layoutName && !TryParse(layoutName, out layout))
        {
            errors.Add("layout", "Straight, Curved or Staggered.");
        }

        if (string.IsNullOrEmpty(request.Category) || content.Categories.All(c => c.Key != request.Category))
        {
            errors.Add("category", "The seats' category: one of the plan's category keys.");
        }

        var seatSpacing = request.SeatSpacing ?? DefaultSeatSpacing;
        var rowSpacing = request.RowSpacing ?? DefaultRowSpacing;
        if (!double.IsFinite(seatSpacing) || seatSpacing is <= 0 or > 1000)
        {
            errors.Add("seatSpacing", "Greater than 0 and at most 1000.");
        }

        if (!double.IsFinite(rowSpacing) || rowSpacing is <= 0 or > 1000)
        {
            errors.Add("rowSpacing", "Greater than 0 and at most 1000.");
        }

        var arc = request.ArcDegrees ?? DefaultArcDegrees;
        if (!double.IsFinite(arc) || arc is < 10 or > 180)
        {
            errors.Add("arcDegrees", "Between 10 and 180 degrees.");
        }

        var originX = request.OriginX ?? 0;
        var originY = request.OriginY ?? 0;
        if (!double.IsFinite(originX) || !double.IsFinite(originY) || Math.Abs(originX) > 50_000 || Math.Abs(originY) > 50_000)
        {
            errors.Add("originX", "The origin is within ±50000.");
        }

        var rankStart = request.RankStart ?? content.MaxRank + 1;
        if (rankStart < 1 || rankStart > PlanRules.MaxRank - (MaxRows * MaxSeatsPerRow))
        {
            errors.Add("rankStart", $"Between 1 and {PlanRules.MaxRank - (MaxRows * MaxSeatsPerRow)}.");
        }

        if (errors.Count > 0)
        {
            return (null, errors.Fields);
        }

        var seats = Generate(new GridSpec(request.Id!, request.Rows!.Value, request.SeatsPerRow!.Value, firstRow, firstNumber,
            numbering, layout, request.Category!, originX, originY,
            seatSpacing, rowSpacing, arc, rankStart));
        return Checked(content with { Areas = [.. content.Areas, new PlanArea(request.Id!, name!, AreaKind.Reserved, null, seats)] });
    }

    /// <summary>The validated inputs of a generated reserved area.</summary>
    public sealed record GridSpec(string AreaId, int Rows, int SeatsPerRow, string FirstRow, int FirstNumber, SeatNumbering Numbering,
        RowLayout Layout, string Category, double OriginX, double OriginY, double SeatSpacing, double RowSpacing, double ArcDegrees, int RankStart);

    /// <summary>
    /// The seats of a grid: row 0 is the front (nearest the stage, at the top of the map, <c>y = originY</c>), seats left to right
    /// from <c>originX</c>. Curved rows lie on concentric arcs around a centre above the stage (the front row spans
    /// <c>arcDegrees</c>; every row keeps the seat spacing); staggered rows shift every second row by half a seat. Ranks go from
    /// <c>rankStart</c> (the best: centre of the row a third of the way back) outwards.
    /// </summary>
    public static List<PlanSeat> Generate(GridSpec spec)
    {
        var seats = new List<(int Row, int Column, PlanSeat Seat)>(spec.Rows * spec.SeatsPerRow);
        var arc = spec.ArcDegrees * Math.PI / 180;
        var frontRadius = spec.SeatsPerRow > 1 ? (spec.SeatsPerRow - 1) * spec.SeatSpacing / arc : spec.SeatSpacing;
        var width = (spec.SeatsPerRow - 1) * spec.SeatSpacing;
        for (var r = 0; r < spec.Rows; r++)
        {
            var row = RowLabel(spec.FirstRow, r);
            var radius = frontRadius + (r * spec.RowSpacing);
            for (var c = 0; c < spec.SeatsPerRow; c++)
            {
                double x, y;
                switch (spec.Layout)
                {
                    case RowLayout.Curved:
                        // The angle step keeps the seat spacing along the arc; the centre seat of the front row sits at the origin + half the width.
                        var theta = (c - ((spec.SeatsPerRow - 1) / 2.0)) * spec.SeatSpacing / radius;
                        x = spec.OriginX + (width / 2) + (radius * Math.Sin(theta));
                        y = spec.OriginY - frontRadius + (radius * Math.Cos(theta));
                        break;
                    case RowLayout.Staggered:
                        x = spec.OriginX + (c * spec.SeatSpacing) + (r % 2 == 1 ? spec.SeatSpacing / 2 : 0);
                        y = spec.OriginY + (r * spec.RowSpacing);
                        break;
                    default:
                        x = spec.OriginX + (c * spec.SeatSpacing);
                        y = spec.OriginY + (r * spec.RowSpacing);
                        break;
                }

                var number = spec.Numbering == SeatNumbering.LeftToRight ? spec.FirstNumber + c : spec.FirstNumber + spec.SeatsPerRow - 1 - c;
                var label = number.ToString(CultureInfo.InvariantCulture);
                seats.Add((r, c, new PlanSeat($"{spec.AreaId}-{row}-{label}", row, label, Math.Round(x, 2), Math.Round(y, 2), spec.Category, 0,
                    SeatFlags.None, Present: true)));
            }
        }

        // Best first: nearest the row a third of the way back, then nearest the centre line (rows weigh more than columns).
        var idealRow = (spec.Rows - 1) / 3.0;
        var centre = (spec.SeatsPerRow - 1) / 2.0;
        var rowScale = Math.Max(1, spec.Rows - 1);
        var columnScale = Math.Max(1, centre);
        var ranked = seats.OrderBy(s => (Math.Abs(s.Row - idealRow) / rowScale) + (0.6 * Math.Abs(s.Column - centre) / columnScale))
            .ThenBy(s => s.Row).ThenBy(s => s.Column).Select((s, i) => (s.Row, s.Column, Seat: s.Seat with { Rank = spec.RankStart + i }));
        return [.. ranked.OrderBy(s => s.Row).ThenBy(s => s.Column).Select(s => s.Seat)];
    }

    /// <summary>The label of the row <paramref name="offset"/> rows behind <paramref name="first"/>: A, B, … Z, AA, AB …, or 1, 2, 3 ….</summary>
    public static string RowLabel(string first, int offset)
    {
        if (first.All(char.IsAsciiDigit))
        {
            return (int.Parse(first, CultureInfo.InvariantCulture) + offset).ToString(CultureInfo.InvariantCulture);
        }

        // Bijective base 26: A = 1 … Z = 26, AA = 27.
        var n = first.Aggregate(0, (acc, ch) => (acc * 26) + (ch - 'A' + 1)) + offset;
        var label = new Stack<char>();
        while (n > 0)
        {
            n--;
            label.Push((char)('A' + (n % 26)));
            n /= 26;
        }

        return new string([.. label]);
    }

    /// <summary>The content with the edits applied (all or none), or the field errors (<c>edits[3].category</c>, …).</summary>
    public static (PlanContent? Content, Dictionary<string, string[]> Errors) ApplyEdits(PlanContent content, SeatEditsRequest? request)
    {
        var errors = new PlanRules.Errors();
        if (request?.Edits is not { Count: > 0 } edits)
        {
            errors.Add("edits", "At least one edit.");
            return (null, errors.Fields);
        }

        if (edits.Count > MaxEdits)
        {
            errors.Add("edits", $"At most {MaxEdits} edits at once.");
            return (null, errors.Fields);
        }

        var changed = content.Areas.ToDictionary(a => a.Id, a => a.Seats.ToList());
        var where = new Dictionary<string, (string Area, int Index)>(StringComparer.Ordinal);
        foreach (var area in content.Areas)
        {
            for (var i = 0; i < area.Seats.Count; i++)
            {
                where[area.Seats[i].Id] = (area.Id, i);
            }
        }

        var editOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < edits.Count; i++)
        {
            var edit = edits[i];
            var path = $"edits[{i}]";
            if (edit?.SeatId is not { } seatId || !where.TryGetValue(seatId, out var at))
            {
                errors.Add($"{path}.seatId", "No such seat in the plan.");
                continue;
            }

            var seat = changed[at.Area][at.Index];
            var row = edit.Row is null ? seat.Row : PlanRules.Label(edit.Row, $"{path}.row", errors);
            var number = edit.Number is null ? seat.Number : PlanRules.Label(edit.Number, $"{path}.number", errors);
            if (edit.Category is { } category && content.Categories.All(c => c.Key != category))
            {
                errors.Add($"{path}.category", $"Unknown category '{category}': declare it in the plan's categories.");
            }

            if (edit.Rank is < 1 or > PlanRules.MaxRank)
            {
                errors.Add($"{path}.rank", $"The rank must be between 1 and {PlanRules.MaxRank}.");
            }

            if (row is null || number is null)
            {
                continue;
            }

            var flags = Set(Set(Set(seat.Flags, SeatFlags.Wheelchair, edit.Wheelchair), SeatFlags.Companion, edit.Companion),
                SeatFlags.RestrictedView, edit.RestrictedView);
            changed[at.Area][at.Index] = seat with
            {
                Row = row, Number = number, Category = edit.Category ?? seat.Category, Rank = edit.Rank ?? seat.Rank, Flags = flags,
                Present = edit.Present ?? seat.Present,
            };
            editOf[seatId] = i;
        }

        // Row + number stay unique within an area after every edit (a renumbering may swap two seats in one batch).
        foreach (var (areaId, seats) in changed)
        {
            foreach (var clash in seats.GroupBy(s => (s.Row, s.Number)).Where(g => g.Count() > 1))
            {
                var edited = clash.Select(s => editOf.TryGetValue(s.Id, out var i) ? i : -1).Where(i => i >= 0).DefaultIfEmpty(-1).Max();
                errors.Add(edited >= 0 ? $"edits[{edited}].number" : "edits",
                    $"Row {clash.Key.Row} of area '{areaId}' would have two seats numbered {clash.Key.Number}.");
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors.Fields);
        }

        return Checked(content with { Areas = [.. content.Areas.Select(a => a with { Seats = changed[a.Id] })] });
    }

    /// <summary>An enum member by its exact name (not a number).</summary>
    private static bool TryParse<T>(string name, out T value) where T : struct, Enum =>
        Enum.TryParse(name, ignoreCase: false, out value) && Enum.IsDefined(value) && !char.IsAsciiDigit(name[0]) && name[0] != '-';

    private static SeatFlags Set(SeatFlags flags, SeatFlags flag, bool? on) => on switch
    {
        true => flags | flag,
        false => flags & ~flag,
        null => flags,
    };

    /// <summary>The whole plan checked again by the import's rules (one set of rules, whichever way a plan is built).</summary>
    private static (PlanContent? Content, Dictionary<string, string[]> Errors) Checked(PlanContent content) =>
        PlanRules.Validate(PlanDocument.From(content));
}
