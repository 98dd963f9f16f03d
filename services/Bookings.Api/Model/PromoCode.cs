using System.Text.RegularExpressions;

namespace Bookings.Api.Model;

public enum DiscountKind
{
    Percent,
    Fixed,
}

/// <summary>
/// A promo code of one event: a percentage off the order, or a fixed amount off it (in the event's currency), for at most
/// <see cref="MaxUses"/> bookings between <see cref="ValidFrom"/> and <see cref="ValidUntil"/>. A use is a booking that is
/// pending payment or confirmed with the code: a cancelled, refunded or expired booking gives its use back by itself, and a
/// redemption counts the uses under the code's row lock, so a code with 10 uses gives exactly 10 discounts however many race.
/// </summary>
public sealed partial class PromoCode
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    private PromoCode()
    {
    }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public Guid OrganizerId { get; private set; }
    /// <summary>Upper case; what buyers type (any case).</summary>
    public string Code { get; private set; } = "";
    public DiscountKind Kind { get; private set; }
    /// <summary>Percent (0–100] or an amount in <see cref="Currency"/>.</summary>
    public decimal Value { get; private set; }
    public string Currency { get; private set; } = "";
    public int? MaxUses { get; private set; }
    public DateTimeOffset? ValidFrom { get; private set; }
    public DateTimeOffset? ValidUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DisabledAt { get; private set; }
    /// <summary>The ticket types the discount applies to; empty: every type of the event.</summary>
    public List<Guid> TicketTypeIds { get; private set; } = [];
    /// <summary>Hidden ticket types a booking with this code may buy (passed to events-api's hold as <c>unlockedTicketTypeIds</c>).</summary>
    public List<Guid> UnlocksTicketTypeIds { get; private set; } = [];

    /// <summary>The code as stored and compared: trimmed, upper case.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    public static bool IsWellFormed(string code) => CodePattern().IsMatch(code);

    public static PromoCode Create(Guid id, Guid eventId, Guid organizerId, string code, DiscountKind kind, decimal value, string currency,
        int? maxUses, DateTimeOffset? validFrom, DateTimeOffset? validUntil, DateTimeOffset now,
        IReadOnlyCollection<Guid>? ticketTypeIds = null, IReadOnlyCollection<Guid>? unlocksTicketTypeIds = null) => new()
    {
        TicketTypeIds = [.. (ticketTypeIds ?? []).Distinct()],
        UnlocksTicketTypeIds = [.. (unlocksTicketTypeIds ?? []).Distinct()],
        Id = id,
        EventId = eventId,
        OrganizerId = organizerId,
        Code = Normalize(code),
        Kind = kind,
        Value = value,
        Currency = currency,
        MaxUses = maxUses,
        ValidFrom = validFrom,
        ValidUntil = validUntil,
        CreatedAt = now,
    };

    public void Disable(DateTimeOffset now) => DisabledAt ??= now;

    /// <summary>Why the code cannot be redeemed at <paramref name="now"/> (the use count is checked separately), or null.</summary>
    public Error? Refusal(DateTimeOffset now)
    {
        if (DisabledAt is not null)
        {
            return PromoCodeErrors.Invalid;
        }

        if (ValidFrom is { } from && now < from)
        {
            return new Error("promo-code-not-yet-valid", ErrorKind.Conflict, $"This code can be used from {from:u}.");
        }

        return ValidUntil is { } until && now >= until
            ? new Error("promo-code-expired", ErrorKind.Conflict, "This code has expired.")
            : null;
    }

    /// <summary>Whether the discount applies to seats of <paramref name="ticketTypeId"/> (null: a line from before ticket types).</summary>
    public bool Covers(Guid? ticketTypeId) => TicketTypeIds.Count == 0 || ticketTypeId is { } id && TicketTypeIds.Contains(id);

    /// <summary>Whether a booking with seats of <paramref name="ticketTypeId"/> may redeem the code: the type is in its scope or unlocked by it.</summary>
    public bool AppliesTo(Guid? ticketTypeId) => Covers(ticketTypeId) || ticketTypeId is { } id && UnlocksTicketTypeIds.Contains(id);

    /// <summary>The discount on an order of <paramref name="gross"/>: never more than the order, rounded to cents.</summary>
    public decimal DiscountOn(decimal gross) => Kind switch
    {
        DiscountKind.Percent => Math.Min(gross, Math.Round(gross * Value / 100m, 2, MidpointRounding.AwayFromZero)),
        _ => Math.Min(gross, Value),
    };

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,31}$")]
    private static partial Regex CodePattern();
}

public static class PromoCodeErrors
{
    /// <summary>Unknown, disabled, or of another event: one answer, so codes cannot be probed across events.</summary>
    public static Error Invalid { get; } = new("promo-code-invalid", ErrorKind.Unprocessable, "This promo code is not valid for this event.");

    public static Error NotApplicable { get; } = new("promo-code-not-applicable", ErrorKind.Unprocessable,
        "This promo code does not apply to the ticket types of this booking.");

    public static Error UsedUp { get; } = new("promo-code-used-up", ErrorKind.Conflict, "This promo code has been used as many times as it may be.");
}
