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
    /// <see cref="AvailabilityCacheDuration"/>: a hold drops this replica's entry, so this bounds what another replica serves.
    /// 250 ms, so a seat picker reading every 500 ms sees a seat taken on any replica within a second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan SeatAvailabilityCacheDuration { get; set; } = TimeSpan.FromMilliseconds(250);
}
