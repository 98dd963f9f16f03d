namespace EventBooking.Web.Clients;

/// <summary>
/// What the web reads off the one page envelope every list answers (<see cref="Paged{T}"/> of EventBooking.ServiceDefaults:
/// <c>{ items, page, pageSize, totalCount }</c>).
/// </summary>
public static class PagedExtensions
{
    /// <summary>How many pages of this size the whole list fills.</summary>
    public static int PageCount<T>(this Paged<T> page) =>
        page.PageSize < 1 ? 0 : (int)Math.Ceiling(page.TotalCount / (double)page.PageSize);
}
