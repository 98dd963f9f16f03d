namespace Notifications.Api.Model;

/// <summary>Exponential backoff between email attempts, then <see cref="EmailStatus.Failed"/>.</summary>
public sealed record EmailRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>The outcome of a failed attempt number <paramref name="attempt"/> (1-based).</summary>
    public EmailFailure AfterFailure(int attempt, DateTimeOffset now)
    {
        if (attempt >= MaxAttempts)
        {
            return new EmailFailure(EmailStatus.Failed, null);
        }

        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var delay = TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * factor));
        return new EmailFailure(EmailStatus.Pending, now + delay);
    }
}

public sealed record EmailFailure(EmailStatus Status, DateTimeOffset? NextAttemptAt);
