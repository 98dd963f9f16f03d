using System.ComponentModel.DataAnnotations;

namespace Bookings.Api.Webhooks;

/// <summary>How webhooks are delivered (<c>Webhooks</c> in configuration).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Whether endpoints may resolve to loopback, private, link-local or other non-public addresses. Off in production (server-
    /// side request forgery); the development run and the tests turn it on for receivers on this machine.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>The longest one attempt may take, connection included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How much of a receiver's answer is read (and thrown away); beyond it the connection is dropped.</summary>
    [Range(0, 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Attempts in flight at once per replica, over all endpoints.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentDeliveries { get; set; } = 32;

    /// <summary>Attempts in flight at once per endpoint, so a slow receiver holds at most these of the senders.</summary>
    [Range(1, 100)]
    public int MaxInFlightPerEndpoint { get; set; } = 4;

    /// <summary>How often the sender looks for due deliveries when nothing wakes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a sender owns a delivery it took; past it (the sender died), another sender makes the attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The waits between attempts, when configured (a list in configuration replaces the default, it is not added to it).
    /// </summary>
    public List<TimeSpan>? RetryDelays { get; set; }

    /// <summary>
    /// The default waits: 13 attempts over about 2.8 days (5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, 16 h, 24 h),
    /// then the delivery is failed and the endpoint disabled unless it received anything since.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(12),
        TimeSpan.FromHours(16), TimeSpan.FromHours(24),
    ];

    /// <summary>The waits in force: <see cref="RetryDelays"/>, else <see cref="DefaultRetryDelays"/>.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays is { Count: > 0 } delays ? delays : DefaultRetryDelays;

    /// <summary>Each wait varies by up to this share either way.</summary>
    [Range(0.0, 0.5)]
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>Whether this replica sends deliveries (tests that only look at the stored deliveries turn it off).</summary>
    public bool RunSender { get; set; } = true;
}
