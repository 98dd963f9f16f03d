using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Apis;

internal static class Paging
{
    /// <summary>One page of an ordered query in the shared envelope, with the total count of the query.</summary>
    public static async Task<Paged<TOut>> ToPagedAsync<T, TOut>(this IQueryable<T> ordered, PageQuery page, int defaultSize, Func<T, TOut> map,
        CancellationToken cancellationToken)
    {
        var total = await ordered.LongCountAsync(cancellationToken);
        var items = await ordered.Skip(page.Skip(defaultSize)).Take(page.Size(defaultSize)).ToListAsync(cancellationToken);
        return new Paged<TOut>([.. items.Select(map)], page.Number, page.Size(defaultSize), total);
    }
}
