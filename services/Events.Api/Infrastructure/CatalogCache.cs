using System.Globalization;
using Events.Api.Apis;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Events.Api.Infrastructure;

/// <summary>
/// Cached catalog reads (HybridCache: stampede protection, in-memory per replica). A change removes the event's entry
/// and every cached search on the replica that made it; callers who may change an event (its organizer, admins)
/// bypass the cache, so a change is visible at once to its author. Availability is never cached.
/// </summary>
public sealed class CatalogCache(HybridCache cache, IOptions<CatalogOptions> options)
{
    private const string SearchTag = "catalog-search";

    public ValueTask<EventResponse?> GetEventAsync(Guid id, Func<CancellationToken, ValueTask<EventResponse?>> load, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(EventKey(id), load, Entry(options.Value.EventCacheDuration), [EventTag(id)], cancellationToken);

    public ValueTask<PagedResponse<EventResponse>> SearchAsync(EventQuery query, Func<CancellationToken, ValueTask<PagedResponse<EventResponse>>> load, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(SearchKey(query), load, Entry(options.Value.SearchCacheDuration), [SearchTag], cancellationToken);

    public async Task InvalidateAsync(Guid id, CancellationToken cancellationToken)
    {
        await cache.RemoveAsync(EventKey(id), cancellationToken);
        await cache.RemoveByTagAsync(SearchTag, cancellationToken);
    }

    private static HybridCacheEntryOptions Entry(TimeSpan duration) => new() { Expiration = duration, LocalCacheExpiration = duration };

    private static string EventKey(Guid id) => $"event:{id:N}";

    private static string EventTag(Guid id) => $"event-tag:{id:N}";

    private static string SearchKey(EventQuery q) => string.Create(CultureInfo.InvariantCulture,
        $"search:{q.Text}|{q.Category}|{q.City}|{q.Venue}|{q.From:O}|{q.To:O}|{q.MinPrice}|{q.MaxPrice}|{q.OnlyAvailable}|{q.Sort}|{q.Page}|{q.PageSize}");
}
