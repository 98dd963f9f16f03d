using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Events.Api.Apis;
using Events.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Events.Api.Caching;

/// <summary>
/// Cached catalog reads (HybridCache: stampede protection, in-memory per replica), in two layers:
/// <list type="bullet">
/// <item>Event details (<c>Catalog:EventCacheDuration</c>, 30 s) and list/search pages keyed by the normalized query (filters,
/// sort, page, page size; <c>Catalog:SearchCacheDuration</c>, 10 s): the expensive part, the count and ranking SQL. A catalog
/// change (create, update, delete, publish, cancel) removes the event's entry and every cached page on every replica within
/// milliseconds (<see cref="CatalogInvalidations"/>; while a replica cannot hear the others, it keeps these entries for at most
/// 1 s); organizers and admins read details through, so an author sees a change at once. Which events a page holds (the
/// <c>onlyAvailable</c> filter included) and their effective status are as old as the page, at most its duration.</item>
/// <item>Seats available (<c>Catalog:AvailabilityCacheDuration</c>, 1 s), laid over every detail and list item, so the
/// <c>available</c> a caller sees is never older than that, whatever the age of the page or detail around it. A detail
/// reads its event's counters at most once per duration (a per-event entry); a list page is served as its finished JSON
/// (page + seats read in one query, serialized once), rebuilt at most once per duration and dropped with the page.
/// Zero reads the counters on every request. <c>/api/events/{id}/availability</c> and the hold endpoints never go
/// through this cache.</item>
/// </list>
/// Every load runs in a DI scope of its own (<see cref="InOwnScopeAsync{T}"/>), never with the services of the request that
/// asked: HybridCache runs one load for all the requests that want a key at once and finishes it even after the request that
/// started it has ended and returned its DbContext to the pool, where another request takes it. A load on the first
/// request's DbContext then shared a database connection with a stranger's request (measured at 1,000,000 events: Npgsql
/// read-buffer corruption, "Index was out of range" and "length ('-8192')", when wrk's clients went away mid-request).
/// Cached values are shared, immutable instances (<see cref="ImmutableObjectAttribute"/> on sealed records), so a hit
/// neither deserializes nor copies; an overlay that changes nothing returns the cached instance itself. Serving a list page
/// from its cached bytes skips the per-request serialization of 20–100 events, the largest remaining cost (measured: see
/// the service README).
/// </summary>
public sealed class CatalogCache
{
    private const string SearchTag = "catalog-search";
    private const string EventsTag = "catalog-event";

    /// <summary>Entries older than a change of this many seconds' reach are never served while the replicas cannot hear each other.</summary>
    private static readonly TimeSpan IncoherentDuration = TimeSpan.FromSeconds(1);

    // One array per tag set for every call (a collection expression per call would allocate on the hot path); HybridCache only reads them.
    private readonly string[] _searchTags = [SearchTag];
    private readonly string[] _eventTags = [EventsTag];
    private readonly string[] _everyTag = [EventsTag, SearchTag];

    private readonly HybridCache _cache;
    private readonly JsonSerializerOptions _json;
    private readonly HybridCacheEntryOptions _eventEntry;
    private readonly HybridCacheEntryOptions _searchEntry;
    private readonly HybridCacheEntryOptions _eventEntryIncoherent;
    private readonly HybridCacheEntryOptions _searchEntryIncoherent;
    private readonly CatalogInvalidations _invalidations;
    private readonly HybridCacheEntryOptions _seatsEntry;
    private readonly bool _seatsLive;
    private readonly IServiceScopeFactory _scopes;

    public CatalogCache(HybridCache cache, IOptions<CatalogOptions> options, IOptions<JsonOptions> json, IServiceScopeFactory scopes,
        CatalogInvalidations invalidations)
    {
        _cache = cache;
        _invalidations = invalidations;
        _scopes = scopes;
        _json = json.Value.SerializerOptions;
        var settings = options.Value;
        _eventEntry = Entry(settings.EventCacheDuration);
        _searchEntry = Entry(settings.SearchCacheDuration);
        _eventEntryIncoherent = Entry(Min(settings.EventCacheDuration, IncoherentDuration));
        _searchEntryIncoherent = Entry(Min(settings.SearchCacheDuration, IncoherentDuration));
        _seatsEntry = Entry(settings.AvailabilityCacheDuration);
        _seatsLive = settings.AvailabilityCacheDuration <= TimeSpan.Zero;
        invalidations.Listen(DropAsync);
    }

    /// <summary>An event's details; <paramref name="load"/> gets the services of a scope of its own (see the class).</summary>
    public ValueTask<EventResponse?> GetEventAsync(Guid id, Func<IServiceProvider, CancellationToken, ValueTask<EventResponse?>> load, CancellationToken cancellationToken) =>
        _cache.GetOrCreateAsync(EventKey(id), (cache: this, load), static (s, ct) => s.cache.InOwnScopeAsync(s.load, ct),
            _invalidations.Coherent ? _eventEntry : _eventEntryIncoherent, _eventTags, cancellationToken);

    /// <summary>
    /// A page of search results (<see cref="Paged{T}"/> is immutable, so HybridCache hands out the instance);
    /// <paramref name="load"/> gets the services of a scope of its own (see the class).
    /// </summary>
    public ValueTask<Paged<EventResponse>> SearchAsync(EventQuery query, Func<IServiceProvider, CancellationToken, ValueTask<Paged<EventResponse>>> load,
        CancellationToken cancellationToken) =>
        _cache.GetOrCreateAsync(SearchKey(query), (cache: this, load), static (s, ct) => s.cache.InOwnScopeAsync(s.load, ct),
            _invalidations.Coherent ? _searchEntry : _searchEntryIncoherent, _searchTags, cancellationToken);

    /// <summary>The event's seats available now, or at most <c>Catalog:AvailabilityCacheDuration</c> ago (0 for an event that is gone).</summary>
    public async ValueTask<int> SeatsAvailableAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_seatsLive)
        {
            return await InOwnScopeAsync((services, ct) => ReadSeatsAsync(services, id, ct), cancellationToken);
        }

        var seats = await _cache.GetOrCreateAsync(SeatsKey(id), (cache: this, id),
            static (s, ct) => s.cache.InOwnScopeAsync(async (services, c) => new SeatsAvailable(await ReadSeatsAsync(services, s.id, c)), ct),
            _seatsEntry, null, cancellationToken);
        return seats.Available;
    }

    /// <summary>The event with its seats available laid over (the same instance when they have not changed).</summary>
    public async ValueTask<EventResponse> WithSeatsAsync(EventResponse item, CancellationToken cancellationToken)
    {
        var available = await SeatsAvailableAsync(item.Id, cancellationToken);
        return available == item.Available ? item : item with { Available = available };
    }

    /// <summary>
    /// The page of <paramref name="query"/> with its seats laid over, as the UTF-8 JSON the endpoint answers (serialized with
    /// the app's JSON options): the page from <see cref="SearchAsync"/>, the seats read in one query, at most
    /// <c>Catalog:AvailabilityCacheDuration</c> ago.
    /// </summary>
    public async ValueTask<ServedPage> SearchJsonAsync(EventQuery query,
        Func<IServiceProvider, CancellationToken, ValueTask<Paged<EventResponse>>> load, CancellationToken cancellationToken)
    {
        if (_seatsLive)
        {
            return await ServeAsync(this, query, load, cancellationToken);
        }

        return await _cache.GetOrCreateAsync(ServedKey(query), (cache: this, query, load),
            static (s, ct) => new ValueTask<ServedPage>(ServeAsync(s.cache, s.query, s.load, ct)),
            _seatsEntry, _searchTags, cancellationToken);
    }

    /// <summary>The page with each item's seats read now in one query (the same instance when none has changed; 0 for an event that is gone).</summary>
    public static async ValueTask<Paged<EventResponse>> WithLiveSeatsAsync(Paged<EventResponse> page, IInventoryStore store, CancellationToken cancellationToken)
    {
        if (page.Items.Count == 0)
        {
            return page;
        }

        var seats = await store.GetSeatsAvailableAsync(page.Items.Select(i => i.Id).ToArray(), cancellationToken);
        EventResponse[]? changed = null;
        for (var i = 0; i < page.Items.Count; i++)
        {
            var item = page.Items[i];
            var available = seats.GetValueOrDefault(item.Id);
            if (available != item.Available)
            {
                changed ??= [.. page.Items];
                changed[i] = item with { Available = available };
            }
        }

        return changed is null ? page : page with { Items = changed };
    }

    private static async Task<ServedPage> ServeAsync(CatalogCache cache, EventQuery query,
        Func<IServiceProvider, CancellationToken, ValueTask<Paged<EventResponse>>> load, CancellationToken cancellationToken)
    {
        var cached = await cache.SearchAsync(query, load, cancellationToken);
        var page = await cache.InOwnScopeAsync(
            (services, ct) => WithLiveSeatsAsync(cached, services.GetRequiredService<IInventoryStore>(), ct), cancellationToken);
        return new ServedPage(JsonSerializer.SerializeToUtf8Bytes(page, cache._json), [.. page.Items.Select(i => i.Id)]);
    }

    /// <summary>Runs <paramref name="load"/> with the services of a DI scope of its own, disposed when it ends (see the class).</summary>
    private async ValueTask<T> InOwnScopeAsync<T>(Func<IServiceProvider, CancellationToken, ValueTask<T>> load, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        return await load(scope.ServiceProvider, cancellationToken);
    }

    /// <summary>The event changed: its entry and every cached page go, on this replica before it returns and on the others at once.</summary>
    public Task InvalidateAsync(Guid id, CancellationToken cancellationToken) => _invalidations.ChangedAsync(id, cancellationToken);

    /// <summary>Drops one event's entry and every page (an id), or every entry of the catalog (null).</summary>
    private async ValueTask DropAsync(Guid? id, CancellationToken cancellationToken)
    {
        if (id is { } changed)
        {
            await _cache.RemoveAsync(EventKey(changed), cancellationToken);
            await _cache.RemoveByTagAsync(SearchTag, cancellationToken);
        }
        else
        {
            await _cache.RemoveByTagAsync(_everyTag, cancellationToken);
        }
    }

    private static async ValueTask<int> ReadSeatsAsync(IServiceProvider services, Guid id, CancellationToken cancellationToken) =>
        (await services.GetRequiredService<IInventoryStore>().GetInventoryAsync(id, cancellationToken))?.Available ?? 0;

    private static HybridCacheEntryOptions Entry(TimeSpan duration) => new() { Expiration = duration, LocalCacheExpiration = duration };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string EventKey(Guid id) => $"event:{id:N}";

    private static string SeatsKey(Guid id) => $"seats:{id:N}";

    private static string ServedKey(EventQuery query) => "served:" + SearchKey(query);

    /// <summary>
    /// One key per distinct result: text trimmed; city and venue trimmed and, when ASCII, lower-cased (both stores match them
    /// case-insensitively); instants in UTC. Text keeps its case: <c>websearch_to_tsquery</c> reads operators in it. Free text
    /// is length-prefixed, so no value can pass for another field's (a <c>|</c> in the text cannot shift the fields).
    /// </summary>
    internal static string SearchKey(EventQuery q)
    {
        var text = Trim(q.Text);
        var city = Fold(q.City);
        var venue = Fold(q.Venue);
        return string.Create(CultureInfo.InvariantCulture,
            $"search:{text?.Length}:{text}|{q.Category}|{city?.Length}:{city}|{venue?.Length}:{venue}|{q.From?.UtcDateTime:O}|{q.To?.UtcDateTime:O}|{q.MinPrice}|{q.MaxPrice}|{q.OnlyAvailable}|{q.Sort}|{q.Page}|{q.PageSize}");
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Fold(string? value) => Trim(value) is { } trimmed && System.Text.Ascii.IsValid(trimmed) ? trimmed.ToLowerInvariant() : Trim(value);

    /// <summary>A cached seat count (a sealed, immutable reference type, so HybridCache hands out the instance instead of deserializing).</summary>
    [ImmutableObject(true)]
    private sealed record SeatsAvailable(int Available);

    /// <summary>A list page as served, never written to after it is built: its finished JSON, and the ids of the events on it (what analytics counts as shown).</summary>
    [ImmutableObject(true)]
    public sealed record ServedPage(byte[] Utf8Json, Guid[] EventIds);
}
