namespace Events.Api.Model;

public sealed record Review(Guid Id, Guid EventId, Guid UserId, string? UserName, int Rating, string Text, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ReviewStats(double? AverageRating, int Count);

public static class ReviewRules
{
    public const int MaxTextLength = 2000;

    /// <summary>Why nobody may review <paramref name="reviewed"/> yet (a draft is unknown to reviewers), or null; attendance is checked next.</summary>
    public static Error? Refusal(CatalogEvent reviewed, DateTimeOffset now) =>
        reviewed.Status == EventStatus.Draft ? EventErrors.NotFound
        : reviewed.StartsAt > now ? ReviewErrors.NotStarted
        : null;

    public static Dictionary<string, string[]> Validate(int rating, string? text)
    {
        var errors = new Dictionary<string, string[]>();
        if (rating is < 1 or > 5)
        {
            errors["rating"] = ["The rating is 1 to 5 stars."];
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            errors["text"] = ["Say something about the event."];
        }
        else if (text.Length > MaxTextLength)
        {
            errors["text"] = [$"At most {MaxTextLength} characters."];
        }
        else if (InputRules.Text(text, multiline: true) is { } unsafeText)
        {
            errors["text"] = [unsafeText];
        }

        return errors;
    }
}

/// <summary>A confirmed booking as events-api learns it from booking events (review eligibility).</summary>
public sealed record Attendance(Guid BookingId, Guid EventId, Guid UserId, bool Confirmed, DateTimeOffset ChangedAt);
