using System.Security.Claims;
using Bookings.Api.Model;

namespace Bookings.Api.UseCases;

/// <summary>Who acts on a booking: its attendee, the event's organizer, or an admin.</summary>
public sealed record Actor(Guid UserId, string? Email, string? Name, bool IsAdmin, bool IsOrganizer)
{
    public static Actor Of(ClaimsPrincipal user) => new(
        user.UserId() ?? throw new InvalidOperationException("The User policy guarantees a user id."),
        user.FindFirst(IdentityClaims.Email)?.Value,
        user.FindFirst(IdentityClaims.Name)?.Value,
        user.IsAdmin(),
        user.HasClaim(IdentityClaims.Role, IdentityClaims.OrganizerRole) || user.IsAdmin());

    /// <summary>An admin, or the organizer of the booking's event.</summary>
    public bool IsStaffOf(Booking booking) => IsAdmin || (IsOrganizer && booking.OrganizerId == UserId);

    /// <summary>Its attendee or staff may see and cancel a booking (I7); anyone else is told it does not exist.</summary>
    public bool MaySee(Booking booking) => booking.IsOwnedBy(UserId) || IsStaffOf(booking);
}
