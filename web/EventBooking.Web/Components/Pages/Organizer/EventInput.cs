using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq.Expressions;
using EventBooking.Web.Clients;
using EventBooking.Web.Resources;

namespace EventBooking.Web.Components.Pages.Organizer;

/// <summary>The event form: text fields as typed, converted to the API body on save (times are UTC).</summary>
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

    public string TimeZone { get; set; } = "UTC";

    public static DateTimeOffset? ParseUtc(string? value) =>
        DateTime.TryParseExact(value, [LocalFormat, LocalFormat + ":ss"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var starts = ParseUtc(StartsAt);
        var ends = ParseUtc(EndsAt);
        if (!string.IsNullOrEmpty(StartsAt) && starts is null)
        {
            yield return new ValidationResult(SharedResource.Validation_EnterDateTime, [nameof(StartsAt)]);
        }

        if (!string.IsNullOrEmpty(EndsAt) && ends is null)
        {
            yield return new ValidationResult(SharedResource.Validation_EnterDateTime, [nameof(EndsAt)]);
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

    public EventBody ToBody() => new(Title?.Trim(), Description?.Trim() ?? "", Venue?.Trim(), City?.Trim(), ParseUtc(StartsAt), ParseUtc(EndsAt),
        TimeZone, Category, Capacity, Price, Currency?.Trim().ToUpperInvariant(), null);

    public void Load(EventDto e)
    {
        Title = e.Title;
        Description = e.Description;
        Venue = e.Venue;
        City = e.City;
        StartsAt = e.StartsAt.UtcDateTime.ToString(LocalFormat, CultureInfo.InvariantCulture);
        EndsAt = e.EndsAt.UtcDateTime.ToString(LocalFormat, CultureInfo.InvariantCulture);
        Category = e.Category;
        Capacity = e.Capacity;
        Price = e.Price;
        Currency = e.Currency;
        TimeZone = e.TimeZone;
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
        "category" => () => input.Category,
        "capacity" => () => input.Capacity,
        "price" => () => input.Price,
        "currency" => () => input.Currency,
        _ => null,
    };
}
