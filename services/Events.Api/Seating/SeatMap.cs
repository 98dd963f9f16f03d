using System.ComponentModel;
using System.Text.Json;
using Events.Api.Caching;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace Events.Api.Seating;

/// <summary>
/// An event's seat map as anyone reads it, compact for a map polled during a rush: per area, one array per seat property
/// (<c>seats.ids[i]</c>, <c>seats.x[i]</c>, … describe seat <c>i</c>); <c>category</c> is an index into <c>categories</c>, <c>flags</c>
/// the sum of 1 wheelchair space, 2 companion seat, 4 restricted view; <c>available</c> false for a seat held, sold or blocked
/// (who has it is never told).
/// </summary>
[ImmutableObject(true)]
public sealed record SeatMapResponse(Guid EventId, Guid PlanId, string PlanName, long Version, string Currency,
    IReadOnlyList<SeatMapCategory> Categories, IReadOnlyList<SeatMapArea> Areas);

[ImmutableObject(true)]
public sealed record SeatMapCategory(string Key, string Name, string? Color, Guid TicketTypeId, decimal Price);

/// <summary>A reserved area (<c>seats</c>) or a general-admission one (<c>capacity</c>, <c>available</c>, its ticket type and price).</summary>
[ImmutableObject(true)]
public sealed record SeatMapArea(string Id, string Name, AreaKind Kind, Guid? TicketTypeId, decimal? Price, int? Capacity, int? Available,
    SeatColumns? Seats);

[ImmutableObject(true)]
public sealed record SeatColumns(string[] Ids, string[] Rows, string[] Numbers, double[] X, double[] Y, int[] Category, int[] Flags, bool[] Available);

/// <summary>What changes during a sale: the seats not for sale (ids), the version of that list, and each standing area's places left.</summary>
[ImmutableObject(true)]
public sealed record SeatAvailabilityResponse(Guid EventId, long Version, IReadOnlyList<string> Unavailable, IReadOnlyDictionary<string, int> Areas);

/// <summary>A cached answer: its JSON, and whether anyone may read it (a draft's is its organizer's and admins' only).</summary>
[ImmutableObject(true)]
public sealed record CachedSeating(bool Public, byte[] Json);

/// <summary>
/// The seat map and the availability of seated events, served as finished JSON and cached per replica: the map for
/// <c>Catalog:AvailabilityCacheDuration</c> (1 s, as the catalog's seats are, <see cref="CatalogCache"/>), the availability for
/// <c>Catalog:SeatAvailabilityCacheDuration</c> (250 ms; 0 reads on every request), so however many pickers poll, a replica reads
/// an event's seats at most four times a second. A seat change on this replica drops its entries at once.
/// Loads run in a DI scope of their own (see <see cref="CatalogCache"/> for why).
/// </summary>
public sealed class SeatMapCache(HybridCache cache, IOptions<CatalogOptions> options, IOptions<JsonOptions> json, IServiceScopeFactory scopes)
{
    private readonly HybridCacheEntryOptions? _mapEntry = Entry(options.Value.AvailabilityCacheDuration);

    private readonly HybridCacheEntryOptions? _availabilityEntry = Entry(
        options.Value.SeatAvailabilityCacheDuration < options.Value.AvailabilityCacheDuration
            ? options.Value.SeatAvailabilityCacheDuration
            : options.Value.AvailabilityCacheDuration);
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    public ValueTask<CachedSeating?> MapAsync(Guid eventId, CancellationToken cancellationToken) =>
        GetAsync($"seating-map:{eventId:N}", _mapEntry, eventId, LoadMapAsync, cancellationToken);

    public ValueTask<CachedSeating?> AvailabilityAsync(Guid eventId, CancellationToken cancellationToken) =>
        GetAsync($"seating-availability:{eventId:N}", _availabilityEntry, eventId, LoadAvailabilityAsync, cancellationToken);

    /// <summary>The event's seats changed: this replica's entries go (the others' expire within the duration).</summary>
    public async Task InvalidateAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await cache.RemoveAsync($"seating-map:{eventId:N}", cancellationToken);
        await cache.RemoveAsync($"seating-availability:{eventId:N}", cancellationToken);
    }

    /// <summary>The map of a seated event from its stores (null when it is gone or not on a plan).</summary>
    public static async Task<SeatMapResponse?> BuildMapAsync(IServiceProvider services, Guid eventId, CancellationToken cancellationToken)
    {
        var item = await services.GetRequiredService<ICatalogStore>().GetAsync(eventId, cancellationToken);
        var stored = item is null ? null : await services.GetRequiredService<SeatingStore>().GetSeatMapAsync(eventId, cancellationToken);
        if (item is null || stored is null)
        {
            return null;
        }

        var types = (await services.GetRequiredService<ITicketTypeStore>().ListAsync(eventId, cancellationToken)).ToDictionary(t => t.Id);
        var categories = stored.Layout.Categories.Select(c => new SeatMapCategory(c.Key, c.Name, c.Color, c.TicketTypeId,
            types.TryGetValue(c.TicketTypeId, out var t) ? t.Price : 0)).ToList();
        var categoryIndex = categories.Select((c, i) => (c.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        var byArea = stored.Seats.GroupBy(s => s.AreaId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var areas = stored.Layout.Areas.Select(a =>
        {
            if (a.Kind == AreaKind.GeneralAdmission)
            {
                var type = a.TicketTypeId is { } id ? types.GetValueOrDefault(id) : null;
                return new SeatMapArea(a.Id, a.Name, a.Kind, a.TicketTypeId, type?.Price, type?.Capacity ?? a.Capacity,
                    type?.AvailableWithin(item.Inventory.Available) ?? 0, null);
            }

            var seats = byArea.GetValueOrDefault(a.Id) ?? [];
            return new SeatMapArea(a.Id, a.Name, a.Kind, null, null, null, null, new SeatColumns(
                [.. seats.Select(s => s.SeatId)], [.. seats.Select(s => s.RowLabel)], [.. seats.Select(s => s.NumberLabel)],
                [.. seats.Select(s => s.X)], [.. seats.Select(s => s.Y)], [.. seats.Select(s => categoryIndex.GetValueOrDefault(s.Category, -1))],
                [.. seats.Select(s => (int)s.Flags)], [.. seats.Select(s => s.Status == SeatStatus.Available)]));
        }).ToList();
        return new SeatMapResponse(eventId, stored.PlanId, stored.PlanName, stored.Version, item.Event.Currency, categories, areas);
    }

    private async Task<CachedSeating?> LoadMapAsync(IServiceProvider services, Guid eventId, CancellationToken cancellationToken)
    {
        var map = await BuildMapAsync(services, eventId, cancellationToken);
        return map is null ? null : new CachedSeating(await IsPublicAsync(services, eventId, cancellationToken), JsonSerializer.SerializeToUtf8Bytes(map, _json));
    }

    private async Task<CachedSeating?> LoadAvailabilityAsync(IServiceProvider services, Guid eventId, CancellationToken cancellationToken)
    {
        var stored = await services.GetRequiredService<SeatingStore>().GetAvailabilityAsync(eventId, cancellationToken);
        return stored is null ? null : new CachedSeating(await IsPublicAsync(services, eventId, cancellationToken),
            JsonSerializer.SerializeToUtf8Bytes(new SeatAvailabilityResponse(eventId, stored.Version, stored.Unavailable, stored.AreasAvailable), _json));
    }

    private static async Task<bool> IsPublicAsync(IServiceProvider services, Guid eventId, CancellationToken cancellationToken) =>
        await services.GetRequiredService<ICatalogStore>().GetAsync(eventId, cancellationToken) is { Event.Status: not EventStatus.Draft };

    /// <summary>An entry kept <paramref name="duration"/> on this replica; null for zero (read on every request).</summary>
    private static HybridCacheEntryOptions? Entry(TimeSpan duration) =>
        duration <= TimeSpan.Zero ? null : new HybridCacheEntryOptions { Expiration = duration, LocalCacheExpiration = duration };

    private async ValueTask<CachedSeating?> GetAsync(string key, HybridCacheEntryOptions? entry, Guid eventId,
        Func<IServiceProvider, Guid, CancellationToken, Task<CachedSeating?>> load, CancellationToken cancellationToken)
    {
        if (entry is null)
        {
            return await InOwnScopeAsync(load, eventId, cancellationToken);
        }

        return await cache.GetOrCreateAsync(key, (cache: this, load, eventId),
            static (s, ct) => new ValueTask<CachedSeating?>(s.cache.InOwnScopeAsync(s.load, s.eventId, ct)), entry, null, cancellationToken);
    }

    private async Task<CachedSeating?> InOwnScopeAsync(Func<IServiceProvider, Guid, CancellationToken, Task<CachedSeating?>> load, Guid eventId,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await load(scope.ServiceProvider, eventId, cancellationToken);
    }
}
