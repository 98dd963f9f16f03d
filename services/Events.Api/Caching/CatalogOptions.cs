using System.ComponentModel.DataAnnotations;

namespace Events.Api.Caching;

/// <summary>Catalog cache settings (section <c>Catalog</c>).</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan EventCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SearchCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How old the <c>available</c> of a detail or list item may be (see <see cref="CatalogCache"/>); zero = read on every request.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan AvailabilityCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old a seated event's seat availability may be (<c>GET /api/events/{id}/seating/availability</c>), at most
    /// <see cref="AvailabilityCacheDuration"/>. Holds do not drop the entry (in a rush every hold would then read the map again), so
    /// this is how long a seat just held or sold may still read as free, on every replica; the hold itself is refused all the same.
    /// 250 ms, so a seat picker reading every 500 ms sees a seat taken within a second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan SeatAvailabilityCacheDuration { get; set; } = TimeSpan.FromMilliseconds(250);
}
