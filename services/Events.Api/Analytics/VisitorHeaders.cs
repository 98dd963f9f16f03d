using System.Security.Claims;

namespace Events.Api.Analytics;

/// <summary>
/// Who is looking, as analytics keeps it: the signed-in user's id, else the web's anonymous visitor id (a random id the web
/// keeps in a cookie and forwards in <see cref="VisitorId"/>). No address is ever stored. A missing or malformed visitor id
/// is no error: the signal counts without a visitor (analytics never fails a buyer's request).
/// </summary>
public static class VisitorHeaders
{
    public const string VisitorId = "X-Visitor-Id";

    /// <summary>Set by the web on the details read of its prerender, which the interactive render repeats: not a view of its own.</summary>
    public const string Prerender = "X-Analytics-Prerender";

    public static Guid? VisitorOf(string? header) =>
        Guid.TryParse(header, out var id) && id != Guid.Empty ? id : null;
}
