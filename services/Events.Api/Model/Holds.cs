namespace Events.Api.Model;

public enum HoldStatus
{
    Held = 0,
    Confirmed = 1,
    Released = 2,
    Expired = 3,
}

/// <summary>Seats set aside for one booking (the hold id is the booking's id, chosen by bookings-api).</summary>
public sealed record Hold(Guid HoldId, Guid EventId, int Quantity, HoldStatus Status, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt);

public sealed record HoldRequest(Guid HoldId, int Quantity, DateTimeOffset ExpiresAt);

public enum PlaceHoldResult
{
    Created,
    /// <summary>The same hold id again: the first result, counted once.</summary>
    Existing,
    SoldOut,
    NotOnSale,
    EventNotFound,
    /// <summary>The hold id already belongs to another event.</summary>
    HoldIdConflict,
}

/// <summary>
/// What a hold's answer tells about its event (title, unit price, currency, start, organizer), read by the statement that
/// placed or confirmed the hold, so the price is the one the seats were taken at and no second read of the event is needed.
/// </summary>
public sealed record HoldEvent(string Title, decimal Price, string Currency, DateTimeOffset StartsAt, Guid OrganizerId)
{
    public static HoldEvent Of(CatalogEvent e) => new(e.Title, e.Price, e.Currency, e.StartsAt, e.OrganizerId);
}

/// <param name="Event">The hold's event as the same statement read it; null when the store did not read it (the caller reads it).</param>
public sealed record PlaceHoldOutcome(PlaceHoldResult Result, Hold? Hold, HoldEvent? Event = null)
{
    /// <summary>Why no hold was placed; null when it was (new or existing).</summary>
    public Error? Error => Result switch
    {
        PlaceHoldResult.SoldOut => HoldErrors.SoldOut,
        PlaceHoldResult.NotOnSale => HoldErrors.NotOnSale,
        PlaceHoldResult.HoldIdConflict => HoldErrors.HoldIdTaken,
        PlaceHoldResult.EventNotFound => EventErrors.NotFound,
        _ => null,
    };
}

public enum ConfirmHoldResult
{
    Confirmed,
    HoldNotFound,
    /// <summary>Expired (or released) and not enough seats remain to re-acquire it.</summary>
    Expired,
    Released,
}

/// <param name="Event">The hold's event as the same statement read it; null when the store did not read it (the caller reads it).</param>
public sealed record ConfirmHoldOutcome(ConfirmHoldResult Result, Hold? Hold, HoldEvent? Event = null)
{
    /// <summary>Why the hold is not sold; null when it is.</summary>
    public Error? Error => Result switch
    {
        ConfirmHoldResult.Confirmed => null,
        ConfirmHoldResult.Expired => HoldErrors.Expired,
        ConfirmHoldResult.Released => HoldErrors.Released,
        _ => HoldErrors.NotFound,
    };
}

public enum ReleaseHoldResult
{
    Released,
    /// <summary>Already released or expired, or never existed: nothing to do (idempotent).</summary>
    NothingToRelease,
}

/// <summary>Limits of hold requests.</summary>
public static class HoldRules
{
    public const int MaxQuantity = 20;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(2);

    public static Dictionary<string, string[]> Validate(int quantity, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (quantity is < 1 or > MaxQuantity)
        {
            errors["quantity"] = [$"Quantity must be between 1 and {MaxQuantity}."];
        }

        if (expiresAt <= now)
        {
            errors["expiresAt"] = ["The expiry must be in the future."];
        }
        else if (expiresAt > now + MaxDuration)
        {
            errors["expiresAt"] = [$"A hold lasts at most {MaxDuration.TotalMinutes:0} minutes."];
        }

        return errors;
    }
}
