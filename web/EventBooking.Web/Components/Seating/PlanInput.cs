using System.Text;
using EventBooking.Web.Clients;

namespace EventBooking.Web.Components.Seating;

/// <summary>What the plan pages derive from what the organizer typed.</summary>
public static class PlanInput
{
    /// <summary>
    /// A key as events-api wants it (lower-case letters, digits and '-', at most 40) made from a name: "Stalls A" → "stalls-a".
    /// Empty when the name has no letter or digit (events-api then names the field).
    /// </summary>
    public static string Slug(string? name)
    {
        var slug = new StringBuilder();
        foreach (var c in (name ?? "").Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().Trim('-');
        return text.Length > 40 ? text[..40].TrimEnd('-') : text;
    }

    /// <summary>The y of a new area's front row: three rows behind the plan's last seat (0 on an empty plan).</summary>
    public static double NextAreaY(PlanDocumentDto plan)
    {
        var ys = (plan.Areas ?? []).SelectMany(a => a.Seats ?? []).Select(s => s.Y ?? 0).ToList();
        return ys.Count == 0 ? 0 : ys.Max() + 36;
    }

    /// <summary>The seat ids a problem names (<c>seatIds</c> of <c>seat-not-available</c>, <c>seat-not-found</c>…).</summary>
    public static IReadOnlyList<string> SeatIdsOf(ApiProblem problem) =>
        problem.Members?.TryGetValue("seatIds", out var ids) == true && ids.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. ids.EnumerateArray().Where(e => e.ValueKind == System.Text.Json.JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
}
