namespace Bookings.Api.Model;

/// <summary>
/// A rule of the model refused a change (an illegal state transition, a booking no longer payable...).
/// <see cref="Reason"/> is a short machine-readable code that becomes the ProblemDetails <c>type</c> suffix; the API answers 409.
/// </summary>
public sealed class DomainException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
