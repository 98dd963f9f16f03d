using System.ComponentModel.DataAnnotations;

namespace Notifications.Api.Email;

/// <summary>Email settings (section <c>Email</c>); the SMTP endpoint itself is <c>ConnectionStrings:smtp</c>.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The <c>smtp</c> resource, <c>smtp://host:port</c> (Aspire's endpoint format); filled from the connection string.</summary>
    [Required]
    public string SmtpEndpoint { get; set; } = "";

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "no-reply@eventbooking.local";

    [Required]
    public string FromName { get; set; } = "EventBooking";

    /// <summary>Base address of the web app, for links in emails.</summary>
    [Required, Url]
    public string WebBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>The name this service gives in EHLO.</summary>
    [Required]
    public string HeloName { get; set; } = "notifications-api.eventbooking.local";

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;

    /// <summary>SMTP sessions one replica uses in parallel for a batch.</summary>
    [Range(1, 32)]
    public int Concurrency { get; set; } = 4;

    /// <summary>How often the sender looks for due emails when nothing woke it up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed email stays reserved for one replica (a crashed replica's claims expire).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public Uri SmtpUri => new(SmtpEndpoint);
}
