using Microsoft.EntityFrameworkCore;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// The paging query of every list (<c>?page=1&amp;pageSize=20</c>; bind it with <c>[AsParameters]</c>): one set of bounds and
/// one set of messages everywhere.
/// </summary>
public sealed record PageQuery(int? Page, int? PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The page number (1-based).</summary>
    public int Number => Page ?? 1;

    /// <summary>The page size, <paramref name="defaultSize"/> when none was asked for.</summary>
    public int Size(int defaultSize = DefaultPageSize) => PageSize ?? defaultSize;

    /// <summary>How many items come before this page.</summary>
    public int Skip(int defaultSize = DefaultPageSize) => (Number - 1) * Size(defaultSize);

    /// <summary>Adds the field errors of an out-of-range page or page size to <paramref name="errors"/>.</summary>
    public void Validate(IDictionary<string, string[]> errors)
    {
        if (InputRules.Page(Page) is { } pageError)
        {
            errors["page"] = [pageError];
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }
    }

    /// <summary>The field errors of this query alone (empty when it is valid).</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        Validate(errors);
        return errors;
    }
}

/// <summary>
/// The one page envelope of every list: the items, where they are, and how many there are in all. Never changed once built
/// (so a cache may hand out the same instance).
/// </summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount)
{
    public Paged<TOut> Select<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], Page, PageSize, TotalCount);
}

public static class PagingExtensions
{
    /// <summary>One page of an ordered query in the shared envelope, with the query's total count.</summary>
    public static async Task<Paged<TOut>> ToPagedAsync<T, TOut>(this IQueryable<T> ordered, PageQuery page, int defaultSize, Func<T, TOut> map,
        CancellationToken cancellationToken)
    {
        var total = await ordered.LongCountAsync(cancellationToken);
        var items = await ordered.Skip(page.Skip(defaultSize)).Take(page.Size(defaultSize)).ToListAsync(cancellationToken);
        return new Paged<TOut>([.. items.Select(map)], page.Number, page.Size(defaultSize), total);
    }
}
