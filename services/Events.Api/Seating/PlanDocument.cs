using System.Globalization;
using System.Text.RegularExpressions;

namespace Events.Api.Seating;

/// <summary>
/// A venue plan as JSON, imported and exported (the format of <c>docs/venue-plan.schema.json</c>, described in
/// <c>docs/seating.md</c>). Every member is nullable so that a missing one is a field error, not a binding failure.
/// </summary>
public sealed record PlanDocument(int? SchemaVersion, string? Name, IReadOnlyList<PlanCategoryDocument>? Categories, IReadOnlyList<PlanAreaDocument>? Areas)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The document of <paramref name="content"/> (export): every member written, so a re-import gives the same plan.</summary>
    public static PlanDocument From(PlanContent content) => new(CurrentSchemaVersion, content.Name,
        [.. content.Categories.Select(c => new PlanCategoryDocument(c.Key, c.Name, c.Color))],
        [.. content.Areas.Select(a => new PlanAreaDocument(a.Id, a.Name, a.Kind.ToString(), a.Capacity, a.Kind == AreaKind.Reserved
            ? [.. a.Seats.Select(s => new PlanSeatDocument(s.Id, s.Row, s.Number, s.X, s.Y, s.Category, s.Rank, s.Has(SeatFlags.Wheelchair),
                s.Has(SeatFlags.Companion), s.Has(SeatFlags.RestrictedView), s.Present))]
            : null))]);
}

public sealed record PlanCategoryDocument(string? Key, string? Name, string? Color);

/// <summary>An area: <c>kind</c> <c>Reserved</c> with <c>seats</c>, or <c>GeneralAdmission</c> with <c>capacity</c>.</summary>
public sealed record PlanAreaDocument(string? Id, string? Name, string? Kind, int? Capacity, IReadOnlyList<PlanSeatDocument>? Seats);

/// <summary>A seat; the flags default to false and <c>present</c> to true.</summary>
public sealed record PlanSeatDocument(string? Id, string? Row, string? Number, double? X, double? Y, string? Category, int? Rank,
    bool? Wheelchair = null, bool? Companion = null, bool? RestrictedView = null, bool? Present = null);

/// <summary>The rules of a plan's content, checked in full on every import and after every edit.</summary>
public static partial class PlanRules
{
    public const int MaxSeats = 20_000;
    public const int MaxAreas = 100;
    public const int MaxCategories = 50;
    public const int MaxAreaCapacity = 100_000;
    public const int MaxName = 120;
    public const int MaxLabel = 10;
    public const int MaxRank = 1_000_000;
    public const double MaxCoordinate = 100_000;

    /// <summary>Field errors listed at most (a plan of 20,000 bad seats answers with the first ones, and says so).</summary>
    public const int MaxErrors = 50;

    /// <summary>The largest import body (a plan of <see cref="MaxSeats"/> seats written out in full is about 3 MB).</summary>
    public const long MaxDocumentBytes = 6 * 1024 * 1024;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    public static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    public static partial Regex SeatIdPattern();

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    public static partial Regex ColorPattern();

    /// <summary>The plan of a document, or its field errors (paths such as <c>areas[0].seats[12].category</c>).</summary>
    public static (PlanContent? Content, Dictionary<string, string[]> Errors) Validate(PlanDocument? document)
    {
        var errors = new Errors();
        if (document is null)
        {
            errors.Add("body", "A JSON body is required.");
            return (null, errors.Fields);
        }

        if (document.SchemaVersion is { } version && version != PlanDocument.CurrentSchemaVersion)
        {
            errors.Add("schemaVersion", $"Only schema version {PlanDocument.CurrentSchemaVersion} is understood.");
        }

        var name = Text(document.Name, "name", MaxName, errors);

        var categories = new List<PlanCategory>();
        var categoryKeys = new HashSet<string>(StringComparer.Ordinal);
        var categoryDocuments = document.Categories ?? [];
        if (categoryDocuments.Count > MaxCategories)
        {
            errors.Add("categories", $"At most {MaxCategories} categories.");
        }

        for (var i = 0; i < categoryDocuments.Count && i < MaxCategories; i++)
        {
            var c = categoryDocuments[i];
            var path = $"categories[{i}]";
            if (c is null)
            {
                errors.Add(path, "A category is an object.");
                continue;
            }

            var key = Key(c.Key, $"{path}.key", errors);
            if (key is not null && !categoryKeys.Add(key))
            {
                errors.Add($"{path}.key", $"The category key '{key}' is used twice.");
            }

            var categoryName = Text(c.Name, $"{path}.name", 80, errors);
            var color = string.IsNullOrWhiteSpace(c.Color) ? null : c.Color.Trim();
            if (color is not null && !ColorPattern().IsMatch(color))
            {
                errors.Add($"{path}.color", "A colour is #rrggbb.");
            }

            if (key is not null && categoryName is not null)
            {
                categories.Add(new PlanCategory(key, categoryName, color));
            }
        }

        var areas = new List<PlanArea>();
        var areaIds = new HashSet<string>(StringComparer.Ordinal);
        var seatIds = new HashSet<string>(StringComparer.Ordinal);
        var areaDocuments = document.Areas ?? [];
        if (areaDocuments.Count > MaxAreas)
        {
            errors.Add("areas", $"At most {MaxAreas} areas.");
        }

        var seatTotal = areaDocuments.Take(MaxAreas).Sum(a => a?.Seats?.Count ?? 0);
        if (seatTotal > MaxSeats)
        {
            errors.Add("areas", $"At most {MaxSeats} seats in a plan ({seatTotal} given).");
            return (null, errors.Fields);
        }

        for (var i = 0; i < areaDocuments.Count && i < MaxAreas; i++)
        {
            var a = areaDocuments[i];
            var path = $"areas[{i}]";
            if (a is null)
            {
                errors.Add(path, "An area is an object.");
                continue;
            }

            var id = Key(a.Id, $"{path}.id", errors);
            if (id is not null && !areaIds.Add(id))
            {
                errors.Add($"{path}.id", $"The area id '{id}' is used twice.");
            }

            var areaName = Text(a.Name, $"{path}.name", 80, errors);
            AreaKind? kind = a.Kind switch
            {
                nameof(AreaKind.Reserved) => AreaKind.Reserved,
                nameof(AreaKind.GeneralAdmission) => AreaKind.GeneralAdmission,
                _ => null,
            };
            if (kind is null)
            {
                errors.Add($"{path}.kind", "Reserved or GeneralAdmission.");
                continue;
            }

            if (kind == AreaKind.GeneralAdmission)
            {
                if (a.Capacity is not { } capacity)
                {
                    errors.Add($"{path}.capacity", "A general-admission area has a capacity.");
                }
                else if (capacity is < 1 or > MaxAreaCapacity)
                {
                    errors.Add($"{path}.capacity", $"The capacity must be between 1 and {MaxAreaCapacity}.");
                }

                if (a.Seats is { Count: > 0 })
                {
                    errors.Add($"{path}.seats", "A general-admission area has no seats.");
                }

                if (id is not null && areaName is not null)
                {
                    areas.Add(new PlanArea(id, areaName, AreaKind.GeneralAdmission, a.Capacity, []));
                }

                continue;
            }

            if (a.Capacity is not null)
            {
                errors.Add($"{path}.capacity", "A reserved area has seats, not a capacity.");
            }

            var seats = new List<PlanSeat>();
            var places = new HashSet<(string Row, string Number)>();
            var seatDocuments = a.Seats ?? [];
            for (var j = 0; j < seatDocuments.Count; j++)
            {
                var seat = Seat(seatDocuments[j], $"{path}.seats[{j}]", categoryKeys, errors);
                if (seat is null)
                {
                    continue;
                }

                if (!seatIds.Add(seat.Id))
                {
                    errors.Add($"{path}.seats[{j}].id", $"The seat id '{seat.Id}' is used twice in the plan.");
                }

                if (!places.Add((seat.Row, seat.Number)))
                {
                    errors.Add($"{path}.seats[{j}].number", $"Row {seat.Row} has two seats numbered {seat.Number} in this area.");
                }

                seats.Add(seat);
            }

            if (id is not null && areaName is not null)
            {
                areas.Add(new PlanArea(id, areaName, AreaKind.Reserved, null, seats));
            }
        }

        return errors.Count > 0 ? (null, errors.Fields) : (new PlanContent(name!, categories, areas), errors.Fields);
    }

    private static PlanSeat? Seat(PlanSeatDocument? s, string path, HashSet<string> categoryKeys, Errors errors)
    {
        if (s is null)
        {
            errors.Add(path, "A seat is an object.");
            return null;
        }

        var before = errors.Count;
        var id = s.Id?.Trim();
        if (string.IsNullOrEmpty(id) || !SeatIdPattern().IsMatch(id))
        {
            errors.Add($"{path}.id", "A seat id is 1–40 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        var row = Label(s.Row, $"{path}.row", errors);
        var number = Label(s.Number, $"{path}.number", errors);
        Coordinate(s.X, $"{path}.x", errors);
        Coordinate(s.Y, $"{path}.y", errors);
        if (string.IsNullOrEmpty(s.Category))
        {
            errors.Add($"{path}.category", "A seat has a category.");
        }
        else if (!categoryKeys.Contains(s.Category))
        {
            errors.Add($"{path}.category", $"Unknown category '{s.Category}': declare it in categories.");
        }

        if (s.Rank is not { } rank)
        {
            errors.Add($"{path}.rank", "A seat has a rank (1 = the best seat).");
        }
        else if (rank is < 1 or > MaxRank)
        {
            errors.Add($"{path}.rank", $"The rank must be between 1 and {MaxRank}.");
        }

        if (errors.Count > before)
        {
            return null;
        }

        var flags = (s.Wheelchair == true ? SeatFlags.Wheelchair : 0) | (s.Companion == true ? SeatFlags.Companion : 0)
            | (s.RestrictedView == true ? SeatFlags.RestrictedView : 0);
        return new PlanSeat(id!, row!, number!, s.X!.Value, s.Y!.Value, s.Category!, s.Rank!.Value, flags, s.Present ?? true);
    }

    /// <summary>A row or seat-number label: 1–10 letters or digits (checked alone for edits).</summary>
    public static string? Label(string? value, string path, Errors errors)
    {
        var label = value?.Trim();
        if (string.IsNullOrEmpty(label) || label.Length > MaxLabel || !label.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add(path, $"A label is 1–{MaxLabel} letters or digits.");
            return null;
        }

        return label;
    }

    private static void Coordinate(double? value, string path, Errors errors)
    {
        if (value is not { } v || !double.IsFinite(v) || Math.Abs(v) > MaxCoordinate)
        {
            errors.Add(path, $"A coordinate is a number between -{MaxCoordinate} and {MaxCoordinate}.");
        }
    }

    private static string? Key(string? value, string path, Errors errors)
    {
        if (string.IsNullOrEmpty(value) || !KeyPattern().IsMatch(value))
        {
            errors.Add(path, "A key is 1–40 lower-case letters, digits or '-', starting with a letter or digit.");
            return null;
        }

        return value;
    }

    private static string? Text(string? value, string path, int max, Errors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(path, "Required.");
            return null;
        }

        if (text.Length > max)
        {
            errors.Add(path, $"At most {max} characters.");
            return null;
        }

        if (InputRules.Text(text, multiline: false) is { } unsafeText)
        {
            errors.Add(path, unsafeText);
            return null;
        }

        return text;
    }

    /// <summary>Field errors, at most <see cref="MaxErrors"/> of them (then one more entry says the rest were left out).</summary>
    public sealed class Errors
    {
        private int _dropped;

        public Dictionary<string, string[]> Fields { get; } = new(StringComparer.Ordinal);

        public int Count => Fields.Count + _dropped;

        public void Add(string field, string message)
        {
            if (Fields.TryGetValue(field, out var messages))
            {
                Fields[field] = [.. messages, message];
            }
            else if (Fields.Count < MaxErrors)
            {
                Fields[field] = [message];
            }
            else
            {
                _dropped++;
                Fields["more"] = [string.Create(CultureInfo.InvariantCulture, $"{_dropped} more errors are not listed.")];
            }
        }
    }
}
