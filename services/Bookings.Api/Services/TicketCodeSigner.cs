using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Services;

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

    private string Signature(string payload) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
