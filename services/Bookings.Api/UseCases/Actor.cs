using System.Security.Claims;
using Bookings.Api.Model;

namespace Bookings.Api.UseCases;

/// <summary>Who acts on a booking: its attendee, the event's organizer, or an admin.</summary>
/// <remarks><see cref="Language"/> is the token's <c>locale</c> (the profile's preferred language when users-api signed it: a change
/// reaches tokens within one access-token lifetime, ≤ 15 minutes); null when absent or longer than any BCP 47 tag we keep.</remarks>
public sealed record Actor(Guid UserId, string? Email, string? Name, bool IsAdmin, bool IsOrganizer, string? Language = null)
{
    /// <summary>The longest language tag kept on a booking (users-api's own limit on the profile field is no larger).</summary>
    public const int LanguageMaxLength = 35;

    public static Actor Of(ClaimsPrincipal user) => new(
        user.UserId() ?? throw new InvalidOperationException("The User policy guarantees a user id."),
        user.FindFirst(IdentityClaims.Email)?.Value,
        user.FindFirst(IdentityClaims.Name)?.Value,
        user.IsAdmin(),
        user.HasClaim(IdentityClaims.Role, IdentityClaims.OrganizerRole) || user.IsAdmin(),
        user.FindFirst(IdentityClaims.Locale)?.Value.Trim() is { Length: > 0 and <= LanguageMaxLength } language ? language : null);

    /// <summary>An admin, or the organizer of the booking's event.</summary>
    public bool IsStaffOf(Booking booking) => IsAdmin || (IsOrganizer && booking.OrganizerId == UserId);

    /// <summary>Its attendee or staff may see and cancel a booking (I7); anyone else is told it does not exist.</summary>
    public bool MaySee(Booking booking) => booking.IsOwnedBy(UserId) || IsStaffOf(booking);
}
