using System.ComponentModel.DataAnnotations;

namespace Events.Api.Holds;

/// <summary>Inventory settings (section <c>Inventory</c>).</summary>
public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    /// <summary>Group concurrent hold requests of one event into one transaction (see <see cref="HoldCoalescer"/>).</summary>
    public bool CoalesceHolds { get; set; } = true;

    [Range(1, 10_000)]
    public int MaxHoldBatch { get; set; } = 256;

    /// <summary>How often each replica looks for expired holds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 100_000)]
    public int SweepBatchSize { get; set; } = 500;
}
