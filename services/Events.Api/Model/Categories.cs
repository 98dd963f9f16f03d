namespace Events.Api.Model;

public sealed record Category(string Id, string Name);

/// <summary>The fixed category list (a code table: changing it is a release, not an API call).</summary>
public static class Categories
{
    public static readonly IReadOnlyList<Category> All =
    [
        new("music", "Music"),
        new("theatre", "Theatre"),
        new("comedy", "Comedy"),
        new("sports", "Sports"),
        new("conference", "Conference"),
        new("workshop", "Workshop"),
        new("festival", "Festival"),
        new("exhibition", "Exhibition"),
        new("family", "Family"),
        new("food-drink", "Food & drink"),
    ];

    public static bool Exists(string? id) => id is not null && All.Any(c => c.Id == id);
}

/// <summary>ISO 4217 codes the platform accepts for ticket prices.</summary>
public static class Currencies
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON",
        "BGN", "ISK", "TRY", "INR", "PKR", "CNY", "HKD", "SGD", "KRW", "TWD", "THB", "MYR", "IDR", "PHP", "VND",
        "BRL", "MXN", "ARS", "CLP", "COP", "PEN", "ZAR", "NGN", "KES", "EGP", "MAD", "AED", "SAR", "QAR", "ILS",
    };

    public static bool IsKnown(string? code) => code is not null && Known.Contains(code);
}
