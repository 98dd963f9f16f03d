using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq.Expressions;
using EventBooking.Web.Clients;

namespace EventBooking.Web.Components.Pages.Organizer;

/// <summary>The event form: text fields as typed, converted to the API body on save (times are UTC).</summary>
public sealed class EventInput : IValidatableObject
{
    private const string LocalFormat = "yyyy-MM-ddTHH:mm";

    [Required(ErrorMessage = "Enter a title."), StringLength(200, ErrorMessage = "At most 200 characters.")]
    public string? Title { get; set; }

    [StringLength(5000, ErrorMessage = "At most 5000 characters.")]
    public string? Description { get; set; }

    [Required(ErrorMessage = "Enter the venue."), StringLength(200, ErrorMessage = "At most 200 characters.")]
    public string? Venue { get; set; }

    [Required(ErrorMessage = "Enter the city."), StringLength(100, ErrorMessage = "At most 100 characters.")]
    public string? City { get; set; }

    [Required(ErrorMessage = "Enter when the event starts.")]
    public string? StartsAt { get; set; }

    [Required(ErrorMessage = "Enter when the event ends.")]
    public string? EndsAt { get; set; }

    [Required(ErrorMessage = "Choose a category.")]
    public string? Category { get; set; }

    [Required(ErrorMessage = "Enter the number of seats."), Range(1, 1_000_000, ErrorMessage = "Between 1 and 1,000,000 seats.")]
    public int? Capacity { get; set; }

    [Required(ErrorMessage = "Enter the ticket price (0 for free)."), Range(typeof(decimal), "0", "1000000", ErrorMessage = "Between 0 and 1,000,000.")]
    public decimal? Price { get; set; }

    [Required(ErrorMessage = "Enter a currency code."), RegularExpression("^[A-Za-z]{3}$", ErrorMessage = "A three-letter ISO 4217 code, e.g. EUR.")]
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
            yield return new ValidationResult("Enter a date and time.", [nameof(StartsAt)]);
        }

        if (!string.IsNullOrEmpty(EndsAt) && ends is null)
        {
            yield return new ValidationResult("Enter a date and time.", [nameof(EndsAt)]);
        }

        if (starts is not null && ends is not null && ends <= starts)
        {
            yield return new ValidationResult("The end must be after the start.", [nameof(EndsAt)]);
        }

        if (Price is { } price && decimal.Round(price, 2) != price)
        {
            yield return new ValidationResult("At most two decimals.", [nameof(Price)]);
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
