using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Bookings.Api.Model;
using Microsoft.Extensions.Options;

namespace Bookings.Api.UseCases.Steps;

/// <summary>
/// Ticket codes: <c>{ticketId}.{eventId}.{entryNumber}.{signature}</c>, and for a reserved seat
/// <c>{ticketId}.{eventId}.{entryNumber}.{seat}.{signature}</c>, where <c>seat</c> is base64url (UTF-8) of the seat's id, area,
/// row and number joined by U+001F. The signature is an HMAC-SHA256 (base64url) of everything before it with the configured key,
/// so a scanner holding the key can verify a ticket offline, show its seat, and a forged or altered code fails.
/// </summary>
public sealed class TicketCodeSigner(IOptions<TicketOptions> options)
{
    private const char SeatSeparator = '\u001F';

    private readonly byte[] _key = Convert.FromBase64String(options.Value.SigningKey);

    public string Sign(Guid ticketId, Guid eventId, int entryNumber, Seat? seat = null)
    {
        var payload = $"{ticketId:N}.{eventId:N}.{entryNumber}";
        if (seat is not null)
        {
            payload += "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join(SeatSeparator, seat.SeatId, seat.Area, seat.Row, seat.Number)));
        }

        return payload + "." + Signature(payload);
    }

    public bool Verify(string code)
    {
        var cut = code.LastIndexOf('.');
        if (cut <= 0)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Signature(code[..cut]));
        var actual = Encoding.ASCII.GetBytes(code[(cut + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>
    /// Reads a code shown at the door: true, with the ticket and event it names, only when it is well formed and its signature
    /// is ours (an altered or forged code is false).
    /// </summary>
    public bool TryRead(string code, out Guid ticketId, out Guid eventId) => TryRead(code, out ticketId, out eventId, out _);

    /// <summary>As <see cref="TryRead(string, out Guid, out Guid)"/>, with the seat the code names (null: general admission, or a code from before seats).</summary>
    public bool TryRead(string code, out Guid ticketId, out Guid eventId, out Seat? seat)
    {
        ticketId = eventId = Guid.Empty;
        seat = null;
        var parts = code.Split('.');
        if (parts.Length is not (4 or 5)
            || !Guid.TryParseExact(parts[0], "N", out ticketId)
            || !Guid.TryParseExact(parts[1], "N", out eventId)
            || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
            || !Verify(code))
        {
            return false;
        }

        if (parts.Length == 5)
        {
            // Signed by us, so well formed; read defensively all the same.
            var fields = Base64Url.IsValid(parts[3]) ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[3])).Split(SeatSeparator) : [];
            if (fields.Length != 4)
            {
                return false;
            }

            seat = new Seat(fields[0], fields[1], fields[2], fields[3]);
        }

        return true;
    }

    private string Signature(string payload) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The key that signs ticket codes (base64, at least 32 bytes), bound from <c>Tickets</c>.</summary>
public sealed class TicketOptions
{
    public const string SectionName = "Tickets";

    [Required]
    [MinLength(44)]
    public string SigningKey { get; set; } = "";
}
