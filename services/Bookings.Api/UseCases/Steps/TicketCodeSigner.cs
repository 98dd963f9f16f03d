using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bookings.Api.UseCases.Steps;

/// <summary>
/// Ticket codes: <c>{ticketId}.{eventId}.{entryNumber}.{signature}</c>, the signature an HMAC-SHA256 (base64url) with the
/// configured key, so a scanner holding the key can verify a ticket offline and a forged code fails.
/// </summary>
public sealed class TicketCodeSigner(IOptions<TicketOptions> options)
{
    private readonly byte[] _key = Convert.FromBase64String(options.Value.SigningKey);

    public string Sign(Guid ticketId, Guid eventId, int entryNumber)
    {
        var payload = $"{ticketId:N}.{eventId:N}.{entryNumber}";
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
    public bool TryRead(string code, out Guid ticketId, out Guid eventId)
    {
        ticketId = eventId = Guid.Empty;
        var parts = code.Split('.');
        return parts.Length == 4
            && Guid.TryParseExact(parts[0], "N", out ticketId)
            && Guid.TryParseExact(parts[1], "N", out eventId)
            && int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
            && Verify(code);
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
