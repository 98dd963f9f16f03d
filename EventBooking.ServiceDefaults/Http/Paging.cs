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
/// <remarks>
/// A list whose matches can run into the hundreds of thousands (the catalog) counts only up to
/// <see cref="PagingExtensions.PagesAhead"/> pages past the page asked for (<see cref="PagingExtensions.CountLimit"/>):
/// then <see cref="TotalCountIsLowerBound"/> is true, <see cref="TotalCount"/> says "at least this many", and a client shows
/// "200+" with the pages it knows of; paging further on counts further. Counting every match of every request would make
/// each page cost as much as the whole catalog.
/// </remarks>
[System.ComponentModel.ImmutableObject(true)]
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount)
{
    /// <summary>True when there are more than <see cref="TotalCount"/> items: the count stopped there.</summary>
    public bool TotalCountIsLowerBound { get; init; }

    public Paged<TOut> Select<TOut>(Func<T, TOut> map) =>
        new([.. Items.Select(map)], Page, PageSize, TotalCount) { TotalCountIsLowerBound = TotalCountIsLowerBound };
}

public static class PagingExtensions
{
    /// <summary>How many pages past the one asked for a bounded list counts before it stops (see <see cref="Paged{T}.TotalCountIsLowerBound"/>).</summary>
    public const int PagesAhead = 10;

    /// <summary>
    /// How many matches a bounded count reads at most: <see cref="PagesAhead"/> pages past the first <paramref name="skip"/>,
    /// and one more, to know whether there are more. Reading that many costs what the page asked for costs, not what the
    /// table holds; a count that reaches it reports one less, as a lower bound.
    /// </summary>
    public static int CountLimit(int skip, int pageSize) => skip + (PagesAhead * pageSize) + 1;

    /// <summary>One page of an ordered query in the shared envelope, with the query's total count.</summary>
    public static async Task<Paged<TOut>> ToPagedAsync<T, TOut>(this IQueryable<T> ordered, PageQuery page, int defaultSize, Func<T, TOut> map,
        CancellationToken cancellationToken)
    {
        var total = await ordered.LongCountAsync(cancellationToken);
        var items = await ordered.Skip(page.Skip(defaultSize)).Take(page.Size(defaultSize)).ToListAsync(cancellationToken);
        return new Paged<TOut>([.. items.Select(map)], page.Number, page.Size(defaultSize), total);
    }
}
