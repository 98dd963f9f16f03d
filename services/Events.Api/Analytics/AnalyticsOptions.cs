using System.ComponentModel.DataAnnotations;

namespace Events.Api.Analytics;

/// <summary>Analytics collection settings (section <c>Analytics</c>).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Signals waiting for the writer, per replica; beyond it a signal is dropped (and counted), never waited for.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>At most this many signals per database write.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 500;

    /// <summary>
    /// How often the writer writes what is queued (and the drop counts): the longest a signal waits before it is stored, unless
    /// <see cref="MaxBatch"/> signals (or half the queue) are waiting first. A crash loses at most this long's signals.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);
}
