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
}
