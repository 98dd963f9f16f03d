using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Notifications.Api.Caching;
using Notifications.Api.Clients;
using Notifications.Api.Services;

namespace Notifications.Api.Tests;

/// <summary>
/// Recipients' languages are remembered for a minute: N notifications to one recipient ask users-api once, a changed language is
/// written once the minute has passed, and a lookup that failed is asked again next time.
/// </summary>
public sealed class RecipientLanguageCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ManualClock _time = new(new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeDirectory _users = new();

    [Fact]
    public async Task Many_notifications_to_one_recipient_ask_users_api_once_until_the_minute_has_passed()
    {
        using var cache = Cache();
        var user = Guid.CreateVersion7();
        _users.Users[user] = new UserContact(user, "grete@example.test", "Grete", PreferredLanguage: "de");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("de", (await _users.LanguagesAsync([user], cache, NullLogger.Instance, Ct))[user]);
        }

        Assert.Equal(1, _users.Lookups);

        // She switches to English: notifications keep German until the minute is over, then ask again and write English.
        _users.Users[user] = new UserContact(user, "grete@example.test", "Grete", PreferredLanguage: "en");
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("de", (await _users.LanguagesAsync([user], cache, NullLogger.Instance, Ct))[user]);
        Assert.Equal(1, _users.Lookups);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("en", (await _users.LanguagesAsync([user], cache, NullLogger.Instance, Ct))[user]);
        Assert.Equal(2, _users.Lookups);
    }

    [Fact]
    public async Task A_batch_asks_only_about_the_recipients_not_remembered_and_remembers_unknown_ones_as_having_no_language()
    {
        using var cache = Cache();
        var (known, other, stranger) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        _users.Users[known] = new UserContact(known, "k@example.test", "K", PreferredLanguage: "de-AT");
        _users.Users[other] = new UserContact(other, "o@example.test", "O");
        var asked = new List<Guid[]>();
        var directory = new RecordingDirectory(_users, asked);

        await directory.LanguagesAsync([known], cache, NullLogger.Instance, Ct);
        var languages = await directory.LanguagesAsync([known, other, stranger, other], cache, NullLogger.Instance, Ct);
        Assert.Equal(("de-AT", (string?)null, (string?)null), (languages[known], languages[other], languages[stranger]));
        Assert.Equal([[known], [other, stranger]], asked);

        await directory.LanguagesAsync([known, other, stranger], cache, NullLogger.Instance, Ct);
        Assert.Equal(2, asked.Count);
    }

    [Fact]
    public async Task A_failed_lookup_is_not_remembered()
    {
        using var cache = Cache();
        var user = Guid.CreateVersion7();
        _users.Users[user] = new UserContact(user, "g@example.test", "G", PreferredLanguage: "de");
        var down = new DownDirectory();

        Assert.Empty(await down.LanguagesAsync([user], cache, NullLogger.Instance, Ct)); // the default language is written
        Assert.Equal("de", (await _users.LanguagesAsync([user], cache, NullLogger.Instance, Ct))[user]);
        Assert.Equal(1, _users.Lookups);
    }

    [Fact]
    public async Task A_duration_of_zero_asks_every_time()
    {
        using var cache = Cache(TimeSpan.Zero);
        var user = Guid.CreateVersion7();
        _users.Users[user] = new UserContact(user, "g@example.test", "G", PreferredLanguage: "de");

        for (var i = 0; i < 3; i++)
        {
            await _users.LanguagesAsync([user], cache, NullLogger.Instance, Ct);
        }

        Assert.Equal(3, _users.Lookups);
    }

    private RecipientLanguageCache Cache(TimeSpan? duration = null) => new(Options.Create(new LanguageOptions
    {
        SupportedCultures = ["en", "de"],
        RecipientCacheDuration = duration ?? TimeSpan.FromMinutes(1),
    }), _time);

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    private sealed class RecordingDirectory(IUserDirectory inner, List<Guid[]> asked) : IUserDirectory
    {
        public Task<IReadOnlyDictionary<Guid, UserContact>> FindAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
        {
            asked.Add([.. userIds]);
            return inner.FindAsync(userIds, cancellationToken);
        }
    }

    private sealed class DownDirectory : IUserDirectory
    {
        public Task<IReadOnlyDictionary<Guid, UserContact>> FindAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) =>
            throw new HttpRequestException("users-api is down (test)");
    }
}
