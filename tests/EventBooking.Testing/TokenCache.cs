using System.Buffers.Text;
using System.Text.Json;

namespace EventBooking.Testing;

/// <summary>
/// Access tokens cached per name until shortly before they expire (users-api issues them for minutes; a long suite
/// outlives them), then issued again. Thread-safe; one sign-in at a time.
/// </summary>
public sealed class TokenCache : IDisposable
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (string Token, DateTimeOffset ExpiresAt)> _tokens = [];

    public async Task<string> GetAsync(string name, Func<Task<string>> issue)
    {
        await _gate.WaitAsync();
        try
        {
            if (_tokens.TryGetValue(name, out var cached) && DateTimeOffset.UtcNow < cached.ExpiresAt - Margin)
            {
                return cached.Token;
            }

            var token = await issue();
            _tokens[name] = (token, ExpiresAt(token));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The <c>exp</c> claim of a JWT (read, not validated: the services validate it).</summary>
    public static DateTimeOffset ExpiresAt(string jwt)
    {
        var parts = jwt.Split('.');
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        return DateTimeOffset.FromUnixTimeSeconds(payload.RootElement.GetProperty("exp").GetInt64());
    }

    public void Dispose() => _gate.Dispose();
}
