using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EventBooking.Messaging;

/// <summary>
/// <c>messaging</c> health: Degraded (never Unhealthy: the service still serves, the outbox keeps what it
/// produces) when the consumer is disconnected, the outbox backlog is stale or dead letters wait. The data
/// dictionary carries the figures (consumer state, per-outbox backlog and oldest age, dead-letter count).
/// </summary>
internal sealed class MessagingHealthCheck(MessagingState state, SubscriptionRegistry registry, IOptions<EventBusOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    private static readonly TimeSpan StaleBacklog = TimeSpan.FromMinutes(2);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<string>();
        var consumes = options.Value.ConsumerEnabled && !registry.IsEmpty;
        if (consumes)
        {
            data["consumer.queue"] = options.Value.QueueName;
            data["consumer.connected"] = state.ConsumerConnected;
            if (!state.ConsumerConnected)
            {
                problems.Add("consumer not connected");
            }
        }

        if (state.DeadLetters is long deadLetters)
        {
            data["deadLetters"] = deadLetters;
            if (deadLetters > 0)
            {
                problems.Add($"{deadLetters} dead-lettered message(s)");
            }
        }

        foreach (var outbox in state.Outboxes)
        {
            data[$"outbox.{outbox.Name}.backlog"] = outbox.Backlog;
            if (outbox.OldestPending is { } oldest)
            {
                var age = now - oldest;
                data[$"outbox.{outbox.Name}.oldestPendingSeconds"] = Math.Round(age.TotalSeconds, 1);
                if (age > StaleBacklog)
                {
                    problems.Add($"outbox {outbox.Name} has messages pending for {age.TotalSeconds:0} s");
                }
            }
        }

        data["publisher.connected"] = state.PublisherConnected;
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("Messaging is flowing.", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems), data: data));
    }
}
