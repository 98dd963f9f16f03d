namespace EventBooking.Web.Clients;

/// <summary>
/// What the web reads off the one page envelope every list answers (<see cref="Paged{T}"/> of EventBooking.ServiceDefaults:
/// <c>{ items, page, pageSize, totalCount, totalCountIsLowerBound }</c>).
/// </summary>
public static class PagedExtensions
{
    /// <summary>How many pages of this size the list fills, as far as it was counted (see <see cref="CountText{T}"/>).</summary>
    public static int PageCount<T>(this Paged<T> page) =>
        page.PageSize < 1 ? 0 : (int)Math.Ceiling(page.TotalCount / (double)page.PageSize);

    /// <summary>"42" when the count is exact, "220+" when the list stopped counting there (a large catalog).</summary>
    public static string CountText<T>(this Paged<T> page) =>
        page.TotalCount.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) + (page.TotalCountIsLowerBound ? "+" : "");
}
