using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq.Expressions;
using EventBooking.Web.Clients;
using EventBooking.Web.Resources;

namespace EventBooking.Web.Components.Pages.Organizer;

/// <summary>
/// The event form: text fields as typed, converted to the API body on save. Start and end are wall-clock times in the event's
/// <see cref="TimeZone"/> (an IANA id), as the organizer reads them on the venue's clocks; the API gets the instants. A time the
/// zone skips (clocks going forward) is refused; one it repeats (clocks going back) is taken at its first occurrence.
/// </summary>
public sealed class EventInput : IValidatableObject
{
    private const string LocalFormat = "yyyy-MM-ddTHH:mm";

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterTitle)), StringLength(200, ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_AtMost200))]
    public string? Title { get; set; }

    [StringLength(5000, ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_AtMost5000))]
    public string? Description { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterVenue)), StringLength(200, ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_AtMost200))]
    public string? Venue { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterCity)), StringLength(100, ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_AtMost100))]
    public string? City { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterStart))]
    public string? StartsAt { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterEnd))]
    public string? EndsAt { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_ChooseCategory))]
    public string? Category { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterSeats)), Range(1, 1_000_000, ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_SeatsRange))]
    public int? Capacity { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterPrice)), Range(typeof(decimal), "0", "1000000", ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_PriceRange))]
    public decimal? Price { get; set; }

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_EnterCurrency)), RegularExpression("^[A-Za-z]{3}$", ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_CurrencyShape))]
    public string? Currency { get; set; } = "EUR";

    [Required(ErrorMessageResourceType = typeof(SharedResource), ErrorMessageResourceName = nameof(SharedResource.Validation_ChooseTimeZone))]
    public string? TimeZone { get; set; } = "UTC";

    /// <summary>The zones an event can be in: the IANA ids this machine knows, sorted.</summary>
    public static IReadOnlyList<string> TimeZones { get; } = [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id)
        .Where(id => id.Contains('/', StringComparison.Ordinal) || id == "UTC").Order(StringComparer.Ordinal)];

    /// <summary>The instant a wall-clock <paramref name="value"/> names in <paramref name="timeZone"/>; null if either is not one.</summary>
    public static DateTimeOffset? ParseLocal(string? value, string? timeZone)
    {
        if (!DateTime.TryParseExact(value, [LocalFormat, LocalFormat + ":ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            || Zone(timeZone) is not { } zone || zone.IsInvalidTime(local))
        {
            return null;
        }

        // Clocks going back repeat an hour: its first occurrence, under the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>An instant as the wall-clock text the form shows in <paramref name="timeZone"/>.</summary>
    public static string FormatLocal(DateTimeOffset at, string? timeZone) =>
        (Zone(timeZone) is { } zone ? TimeZoneInfo.ConvertTime(at, zone).DateTime : at.UtcDateTime).ToString(LocalFormat, CultureInfo.InvariantCulture);

    /// <summary>Why a typed wall-clock <paramref name="value"/> names no instant in <paramref name="timeZone"/>; null when it does or is blank.</summary>
    public static string? TimeProblem(string? value, string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(value) || ParseLocal(value, timeZone) is not null || Zone(timeZone) is not { } zone)
        {
            return null;
        }

        var skipped = DateTime.TryParseExact(value, [LocalFormat, LocalFormat + ":ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            && zone.IsInvalidTime(local);
        return skipped ? SharedResource.Validation_TimeSkipped : SharedResource.Validation_EnterDateTime;
    }

    private static TimeZoneInfo? Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var starts = ParseLocal(StartsAt, TimeZone);
        var ends = ParseLocal(EndsAt, TimeZone);
        if (!string.IsNullOrEmpty(TimeZone) && Zone(TimeZone) is null)
        {
            yield return new ValidationResult(SharedResource.Validation_ChooseTimeZone, [nameof(TimeZone)]);
            yield break;
        }

        foreach (var (text, field) in new[] { (StartsAt, nameof(StartsAt)), (EndsAt, nameof(EndsAt)) })
        {
            if (TimeProblem(text, TimeZone) is { } problem)
            {
                yield return new ValidationResult(problem, [field]);
            }
        }

        if (starts is not null && ends is not null && ends <= starts)
        {
            yield return new ValidationResult(SharedResource.Validation_EndAfterStart, [nameof(EndsAt)]);
        }

        if (Price is { } price && decimal.Round(price, 2) != price)
        {
            yield return new ValidationResult(SharedResource.Validation_TwoDecimals, [nameof(Price)]);
        }
    }

    public EventBody ToBody() => new(Title?.Trim(), Description?.Trim() ?? "", Venue?.Trim(), City?.Trim(), ParseLocal(StartsAt, TimeZone),
        ParseLocal(EndsAt, TimeZone), TimeZone, Category, Capacity, Price, Currency?.Trim().ToUpperInvariant(), null);

    public void Load(EventDto e)
    {
        Title = e.Title;
        Description = e.Description;
        Venue = e.Venue;
        City = e.City;
        TimeZone = e.TimeZone;
        StartsAt = FormatLocal(e.StartsAt, e.TimeZone);
        EndsAt = FormatLocal(e.EndsAt, e.TimeZone);
        Category = e.Category;
        Capacity = e.Capacity;
        Price = e.Price;
        Currency = e.Currency;
    }

    /// <summary>Which input shows an API field error.</summary>
    public static Func<string, Expression<Func<object?>>?> FieldFor(EventInput input) => field => field switch
    {
        "title" => () => input.Title,
        "description" => () => input.Description,
        "venue" => () => input.Venue,
        "city" => () => input.City,
        "startsAt" => () => input.StartsAt,
        "endsAt" => () => input.EndsAt,
        "timeZone" => () => input.TimeZone,
        "category" => () => input.Category,
        "capacity" => () => input.Capacity,
        "price" => () => input.Price,
        "currency" => () => input.Currency,
        _ => null,
    };
}
