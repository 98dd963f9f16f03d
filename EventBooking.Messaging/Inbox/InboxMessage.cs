namespace EventBooking.Messaging;

/// <summary>A message id whose effect a consumer has committed (EF Core inbox row).</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }

    /// <summary>Who processed it (a handler name): one message may take effect once per consumer.</summary>
    public string Consumer { get; set; } = "";

    public DateTimeOffset ProcessedAt { get; set; }
}
