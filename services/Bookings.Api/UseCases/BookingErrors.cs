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

/// <summary>
/// A refusal about one payment (declined, already paid, refunded because the seats were gone): the answer names the payment
/// (<c>paymentId</c>). <see cref="DomainException"/> carries no extension members, so the id rides in the exception's
/// <see cref="Exception.Data"/> and the API edge reads it with <see cref="ExtensionsOf"/>.
/// </summary>
public static class PaymentRefusal
{
    public const string PaymentIdKey = "paymentId";

    public static DomainException Of(Error error, Guid paymentId)
    {
        var refusal = new DomainException(error);
        refusal.Data[PaymentIdKey] = paymentId;
        return refusal;
    }

    /// <summary>The problem's extension members of a refusal: <c>paymentId</c> when it is about a payment.</summary>
    public static Dictionary<string, object?>? ExtensionsOf(DomainException refusal) =>
        refusal.Data[PaymentIdKey] is Guid paymentId ? new() { [PaymentIdKey] = paymentId } : null;
}
