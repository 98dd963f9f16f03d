using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Notifications.Api.Services;

namespace Notifications.Api.Caching;

/// <summary>
/// Recipients' preferred languages as users-api last told them, for <c>Localization:RecipientCacheDuration</c> (one minute) and
/// at most <c>Localization:RecipientCacheSize</c> recipients per replica: a sale rush writes one notification per booking, and
/// asking users-api each time cost an HTTP call and a users query per booking. users-api publishes no event when a profile
/// changes, so nothing invalidates an entry: a new language reaches notifications within the duration (the email's greeting
/// and address are read fresh by the email sender, <see cref="Email.EmailDispatcher"/>). A failed lookup is not remembered.
/// </summary>
public sealed class RecipientLanguageCache : IDisposable
{
    private readonly MemoryCache _entries;
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;

    public RecipientLanguageCache(IOptions<LanguageOptions> options, TimeProvider time)
    {
        _time = time;
        _duration = options.Value.RecipientCacheDuration;
        _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.RecipientCacheSize });
    }

    /// <summary>The language remembered for <paramref name="userId"/> (null: users-api named none or does not know them); false when not remembered.</summary>
    public bool TryGet(Guid userId, out string? language)
    {
        // The expiry is read with the TimeProvider (MemoryCache's own expiry, on the system clock, only frees the memory).
        if (_entries.TryGetValue(userId, out Entry? entry) && entry is not null && _time.GetUtcNow() < entry.ExpiresAt)
        {
            language = entry.Language;
            return true;
        }

        language = null;
        return false;
    }

    /// <summary>Remembers what users-api answered for <paramref name="userId"/> (a full cache takes no more until it has compacted).</summary>
    public void Set(Guid userId, string? language)
    {
        if (_duration <= TimeSpan.Zero)
        {
            return;
        }

        _entries.Set(userId, new Entry(language, _time.GetUtcNow() + _duration),
            new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _duration });
    }

    public void Dispose() => _entries.Dispose();

    private sealed record Entry(string? Language, DateTimeOffset ExpiresAt);
}
