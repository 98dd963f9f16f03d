using Bookings.Api.Model;

namespace Bookings.Api.Apis;

/// <summary>The <c>?status=</c> filter of every booking list: one status by its name (any case), nothing else.</summary>
public static class BookingStatusFilter
{
    /// <summary>
    /// The status <paramref name="status"/> names, null when none was asked for; anything else (a number, a comma-separated
    /// combination such as <c>Cancelled,Expired</c>, an unknown name) is a field error in <paramref name="errors"/>.
    /// </summary>
    public static BookingStatus? Parse(string? status, IDictionary<string, string[]> errors)
    {
        if (status is null)
        {
            return null;
        }

        // Enum.TryParse would also take "3" or "Confirmed,Cancelled" (a flag combination that is another status): match names only.
        foreach (var value in Enum.GetValues<BookingStatus>())
        {
            if (string.Equals(value.ToString(), status.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        errors["status"] = [$"status is one of {string.Join(", ", Enum.GetNames<BookingStatus>())}."];
        return null;
    }
}
