using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Events.Api.WaitingRoom;

/// <summary>
/// A pass as it is signed: the event and user it is bound to, its admission number in the event's line (unique per event: the
/// pass's id, what is spent when it is used) and its expiry.
/// </summary>
public sealed record QueuePass(Guid EventId, Guid UserId, long Number, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs and reads passes: <c>qp1.{event}.{user}.{number}.{expiry, unix ms}.{HMAC-SHA256 of the rest, base64url}</c>. A pass
/// cannot be forged or moved to another user or event (the signature covers them); single use and "still the holder's current
/// pass" are the store's business (<see cref="WaitingRoomStore.ConsumePassAsync"/>).
/// </summary>
public sealed class QueuePasses
{
    private const string Version = "qp1";
    private readonly byte[] key;

    public QueuePasses(IOptions<WaitingRoomOptions> options, ILogger<QueuePasses> logger)
    {
        if (options.Value.PassKey is { Length: > 0 } configured)
        {
            key = Encoding.UTF8.GetBytes(configured);
        }
        else
        {
            key = RandomNumberGenerator.GetBytes(32);
            logger.LogWarning("WaitingRoom:PassKey is not set: queue passes are signed with a key of this process only");
        }
    }

    public string Sign(QueuePass pass)
    {
        var payload = string.Join('.', Version, pass.EventId.ToString("N"), pass.UserId.ToString("N"),
            pass.Number.ToString(CultureInfo.InvariantCulture), pass.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        return payload + "." + WebEncoders.Base64UrlEncode(Mac(payload));
    }

    /// <summary>The pass <paramref name="token"/> carries if its signature is this service's; null for anything else.</summary>
    public QueuePass? Read(string? token)
    {
        if (token is null || token.Length > 200)
        {
            return null;
        }

        var parts = token.Split('.');
        if (parts.Length != 6 || parts[0] != Version)
        {
            return null;
        }

        byte[] signature;
        try
        {
            signature = WebEncoders.Base64UrlDecode(parts[5]);
        }
        catch (FormatException)
        {
            return null;
        }

        var payload = token[..token.LastIndexOf('.')];
        if (!CryptographicOperations.FixedTimeEquals(signature, Mac(payload)))
        {
            return null;
        }

        return Guid.TryParseExact(parts[1], "N", out var eventId) && Guid.TryParseExact(parts[2], "N", out var userId)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            ? new QueuePass(eventId, userId, number, DateTimeOffset.FromUnixTimeMilliseconds(expiry))
            : null;
    }

    private byte[] Mac(string payload) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload));
}
