using Events.Api.Apis;
using Events.Api.Caching;
using Events.Api.Infrastructure;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Events.Api.Tests.Model;

/// <summary>CatalogCache on a real HybridCache (in memory): shared instances, one key per distinct query.</summary>
public sealed class CatalogCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (CatalogCache Cache, ServiceProvider Provider) NewCache()
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        var provider = services.BuildServiceProvider();
        return (new CatalogCache(provider.GetRequiredService<HybridCache>(), Options.Create(new CatalogOptions()),
            Options.Create(new Microsoft.AspNetCore.Http.Json.JsonOptions()), provider.GetRequiredService<IServiceScopeFactory>(),
            new CatalogInvalidations(TimeProvider.System, NullLogger<CatalogInvalidations>.Instance)), provider);
    }

    [Fact]
    public async Task A_hit_hands_out_the_cached_page_itself_without_deserializing_or_loading_again()
    {
        var (cache, provider) = NewCache();
        await using var _ = provider;
        var loads = 0;
        var query = new EventQuery { City = "Porto" };
        ValueTask<Paged<EventResponse>> Load(IServiceProvider scope, CancellationToken ct)
        {
            loads++;
            return ValueTask.FromResult(new Paged<EventResponse>([], 1, 20, 0));
        }

        var first = await cache.SearchAsync(query, Load, Ct);
        var second = await cache.SearchAsync(query with { City = " porto " }, Load, Ct);
        Assert.Same(first, second);
        Assert.Equal(1, loads);

        await cache.InvalidateAsync(Guid.CreateVersion7(), Ct);
        var third = await cache.SearchAsync(query, Load, Ct);
        Assert.NotSame(first, third);
        Assert.Equal(2, loads);
    }

    [Fact]
    public void Equivalent_queries_share_a_key_and_different_ones_never_do()
    {
        var at = new DateTimeOffset(2027, 5, 1, 20, 0, 0, TimeSpan.FromHours(1));
        var basic = new EventQuery { Text = "jazz night", City = "Porto", Venue = "Casa", From = at };
        Assert.Equal(CatalogCache.SearchKey(basic),
            CatalogCache.SearchKey(basic with { Text = "  jazz night ", City = "PORTO ", Venue = "casa", From = at.ToUniversalTime() }));

        string[] keys =
        [
            CatalogCache.SearchKey(basic),
            CatalogCache.SearchKey(basic with { Text = "JAZZ OR night" }),
            CatalogCache.SearchKey(basic with { Text = "jazz or night" }),
            CatalogCache.SearchKey(basic with { Page = 2 }),
            CatalogCache.SearchKey(basic with { PageSize = 21 }),
            CatalogCache.SearchKey(basic with { Sort = EventSort.Price }),
            CatalogCache.SearchKey(basic with { OnlyAvailable = true }),
            CatalogCache.SearchKey(basic with { MinPrice = 10m }),
            CatalogCache.SearchKey(basic with { MaxPrice = 10m }),
            CatalogCache.SearchKey(basic with { To = at.AddDays(1) }),
            CatalogCache.SearchKey(basic with { Category = "music" }),
            CatalogCache.SearchKey(basic with { City = "Braga" }),
            CatalogCache.SearchKey(basic with { City = "Évora" }),
            CatalogCache.SearchKey(basic with { City = "évora" }),
            // A separator inside free text cannot make one query pass for another.
            CatalogCache.SearchKey(new EventQuery { Text = "a|music", City = "x" }),
            CatalogCache.SearchKey(new EventQuery { Text = "a", Category = "music", City = "|x" }),
        ];
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
    }
}
