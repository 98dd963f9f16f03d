namespace Bookings.Api.Webhooks;

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt (the first, or a retry).</summary>
    Pending,
    Succeeded,
    /// <summary>Every attempt of the schedule failed; it can be replayed.</summary>
    Failed,
}

/// <summary>
/// One event for one endpoint: its body is fixed when it is created (a retry or a replay sends the same bytes under the same
/// <c>webhook-id</c>, so a receiver can drop duplicates). At least once: an attempt whose outcome was never recorded (the
/// sender died) is made again once its lease runs out.
/// </summary>
public sealed class WebhookDelivery
{
    private WebhookDelivery()
    {
    }

    public Guid Id { get; private set; }
    public Guid EndpointId { get; private set; }
    /// <summary>The integration event it came from (one delivery per endpoint and event, however often the event is redelivered).</summary>
    public Guid SourceId { get; private set; }
    public string EventType { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public WebhookDeliveryStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    /// <summary>Taken by the sender working on it; another sender may take it once this has passed.</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }
    public DateTimeOffset? LastAttemptAt { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public int? LastLatencyMs { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>The Standard Webhooks message id (<c>webhook-id</c>).</summary>
    public string MessageId => "msg_" + Id.ToString("N");

    public static WebhookDelivery Create(Guid endpointId, Guid sourceId, string eventType, string payload, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        EndpointId = endpointId,
        SourceId = sourceId,
        EventType = eventType,
        Payload = payload,
        CreatedAt = now,
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = now,
    };

    /// <summary>Records an attempt's outcome: delivered, the next attempt scheduled, or failed for good when the schedule is used up.</summary>
    public WebhookAttempt Record(int? statusCode, string? error, int latencyMs, DateTimeOffset now, WebhookRetrySchedule schedule)
    {
        Attempts++;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = error is { Length: > 300 } ? error[..300] : error;
        LastLatencyMs = latencyMs;
        LeaseUntil = null;
        if (statusCode is >= 200 and < 300)
        {
            Status = WebhookDeliveryStatus.Succeeded;
            DeliveredAt = now;
        }
        else if (schedule.DelayAfter(Attempts) is { } delay)
        {
            NextAttemptAt = now + delay;
        }
        else
        {
            Status = WebhookDeliveryStatus.Failed;
        }

        return new WebhookAttempt(Guid.CreateVersion7(), Id, EndpointId, Attempts, now, statusCode, LastError, latencyMs);
    }

    /// <summary>Sends a failed delivery again, from the start of the schedule. False when it is not failed (nothing to replay).</summary>
    public bool Replay(DateTimeOffset now)
    {
        if (Status != WebhookDeliveryStatus.Failed)
        {
            return false;
        }

        Status = WebhookDeliveryStatus.Pending;
        Attempts = 0;
        NextAttemptAt = now;
        LeaseUntil = null;
        return true;
    }
}

/// <summary>One attempt of a delivery, for the endpoint's delivery log.</summary>
public sealed record WebhookAttempt(Guid Id, Guid DeliveryId, Guid EndpointId, int Number, DateTimeOffset At, int? StatusCode, string? Error, int LatencyMs);

/// <summary>
/// When a failed attempt is made again: after each delay of <see cref="WebhookOptions.RetryDelays"/> in turn, each varied by
/// up to ±<see cref="WebhookOptions.RetryJitter"/> so that a receiver that comes back is not hit by every queued retry at once.
/// </summary>
public sealed class WebhookRetrySchedule(IReadOnlyList<TimeSpan> delays, double jitter)
{
    /// <summary>The wait after the <paramref name="attempts"/>th failed attempt; null when there is no further attempt.</summary>
    public TimeSpan? DelayAfter(int attempts)
    {
        if (attempts < 1 || attempts > delays.Count)
        {
            return null;
        }

        var delay = delays[attempts - 1];
        var factor = 1 + (Random.Shared.NextDouble() * 2 - 1) * jitter;
        return TimeSpan.FromMilliseconds(Math.Max(0, delay.TotalMilliseconds * factor));
    }

    /// <summary>How many attempts a delivery gets in all (the first and one per delay).</summary>
    public int MaxAttempts => delays.Count + 1;

    public TimeSpan Total => TimeSpan.FromTicks(delays.Sum(d => d.Ticks));
}
