using Bookings.Api.Inventory;

namespace Bookings.Api.UseCases;

/// <summary>The refusals the booking use cases share, in domain terms (the API edge turns each into its status).</summary>
public static class BookingErrors
{
    public static Error BookingNotFound { get; } = Error.NotFound("booking");

    /// <summary>events-api could not be reached: nothing changed, the same request may be sent again.</summary>
    public static Error InventoryUnavailable(string detail) => Error.Unavailable(InventoryResult.UnavailableCode, detail);

    public static Error PaymentPending(string detail) => new("payment-pending", ErrorKind.Conflict, detail);
}

/// <summary>A refusal about one payment (declined, already paid, refunded because the seats were gone): the answer names it.</summary>
public static class PaymentRefusal
{
    public const string PaymentIdKey = "paymentId";

    public static DomainException Of(Error error, Guid paymentId) => new(error.With(PaymentIdKey, paymentId));
}
