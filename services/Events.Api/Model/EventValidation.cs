namespace Events.Api.Model;

/// <summary>The body of create and update requests. Only these fields bind: status, organizer and counters never do.</summary>
public sealed record EventRequest(
    string? Title, string? Description, string? Venue, string? City, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt,
    string? TimeZone, string? Category, int? Capacity, decimal? Price, string? Currency, string? ImageUrl);

public static class EventValidation
{
    public const int MaxTitle = 200;
    public const int MaxDescription = 5000;
    public const int MaxVenue = 200;
    public const int MaxCity = 100;
    public const int MaxImageUrl = 2048;
    public const int MaxCapacity = 1_000_000;
    public const decimal MaxPrice = 1_000_000m;
    public const int MaxCancellationReason = 500;

    /// <summary>Checks every field and returns the input, or the errors per field (camelCase names).</summary>
    public static (EventInput? Input, Dictionary<string, string[]> Errors) Validate(EventRequest? request, DateTimeOffset now, bool isNew)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body is required."];
            return (null, errors);
        }

        var title = request.Title?.Trim();
        Text(errors, "title", title, MaxTitle, required: true);
        Text(errors, "description", request.Description, MaxDescription, required: false, multiline: true);
        var venue = request.Venue?.Trim();
        Text(errors, "venue", venue, MaxVenue, required: true);
        var city = request.City?.Trim();
        Text(errors, "city", city, MaxCity, required: true);

        if (request.StartsAt is not { } startsAt)
        {
            errors["startsAt"] = ["The start is required."];
        }
        else if (isNew && startsAt <= now)
        {
            errors["startsAt"] = ["The start must be in the future."];
        }

        if (request.EndsAt is not { } endsAt)
        {
            errors["endsAt"] = ["The end is required."];
        }
        else if (request.StartsAt is { } s && endsAt <= s)
        {
            errors["endsAt"] = ["The end must be after the start."];
        }

        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone.Trim();
        if (timeZone.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            errors["timeZone"] = ["Unknown time zone (use an IANA id such as Europe/Paris)."];
        }

        if (!Categories.Exists(request.Category))
        {
            errors["category"] = [$"Unknown category. Known: {string.Join(", ", Categories.All.Select(c => c.Id))}."];
        }

        if (request.Capacity is not { } capacity)
        {
            errors["capacity"] = ["The capacity is required."];
        }
        else if (capacity is < 1 or > MaxCapacity)
        {
            errors["capacity"] = [$"The capacity must be between 1 and {MaxCapacity}."];
        }

        if (request.Price is not { } price)
        {
            errors["price"] = ["The price is required (0 for a free event)."];
        }
        else if (price < 0 || price > MaxPrice || decimal.Round(price, 2) != price)
        {
            errors["price"] = [$"The price must be between 0 and {MaxPrice} with at most two decimals."];
        }

        var currency = request.Currency?.Trim();
        if (!Currencies.IsKnown(currency))
        {
            errors["currency"] = ["The currency must be an ISO 4217 code such as EUR or USD."];
        }

        var imageUrl = string.IsNullOrWhiteSpace(request.ImageUrl) ? null : request.ImageUrl.Trim();
        if (imageUrl is not null
            && (imageUrl.Length > MaxImageUrl
                || !Uri.TryCreate(imageUrl, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors["imageUrl"] = ["The image URL must be an absolute http(s) URL."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new EventInput(title!, request.Description?.Trim() ?? "", venue!, city!, request.StartsAt!.Value.ToUniversalTime(),
            request.EndsAt!.Value.ToUniversalTime(), timeZone, request.Category!, request.Capacity!.Value, request.Price!.Value, currency!, imageUrl), errors);
    }

    /// <summary>The reason of a cancellation (a default when none is given), or the field error.</summary>
    public static (string? Reason, Dictionary<string, string[]> Errors) ValidateCancellation(string? reason)
    {
        var errors = new Dictionary<string, string[]>();
        var trimmed = string.IsNullOrWhiteSpace(reason) ? "Cancelled by the organizer." : reason.Trim();
        Text(errors, "reason", trimmed, MaxCancellationReason, required: false, multiline: true);
        return (errors.Count == 0 ? trimmed : null, errors);
    }

    private static void Text(Dictionary<string, string[]> errors, string field, string? value, int max, bool required, bool multiline = false)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["This field is required."];
        }
        else if (value is not null && value.Length > max)
        {
            errors[field] = [$"At most {max} characters."];
        }
        else if (InputRules.Text(value, multiline) is { } unsafeText)
        {
            errors[field] = [unsafeText];
        }
    }
}
