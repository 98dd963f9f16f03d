using System.Collections.Concurrent;
using Bookings.Api.Infrastructure;
using EventBooking.Messaging;
using EventBooking.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Webhooks;

/// <summary>Wakes the sender when a delivery is due now (a new event, a replay, a freed slot) instead of at its next poll.</summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another notification got there first: one wake-up is enough.
            }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}

/// <summary>
/// Sends due deliveries, on every replica at once: each takes a batch under a lease (<c>FOR UPDATE SKIP LOCKED</c>, so two
/// replicas never take the same one), sends them concurrently (<see cref="WebhookOptions.MaxConcurrentDeliveries"/> in all, at
/// most about <see cref="WebhookOptions.MaxInFlightPerEndpoint"/> per endpoint, so a receiver that answers in 5 s or not at
/// all holds only its own share and never delays other organizers' deliveries or any booking), and records each outcome with
/// its attempt. A replica that dies mid-attempt leaves the lease to run out; the attempt is then made again (at least once).
/// When a delivery has failed every attempt and its endpoint has received nothing since the delivery was created, the
/// endpoint is disabled.
/// </summary>
public sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes, WebhookSender sender, WebhookSignal signal, IOptions<WebhookOptions> options, TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, int> _inFlight = new();
    private readonly WebhookRetrySchedule _schedule = new(options.Value.EffectiveRetryDelays, options.Value.RetryJitter);

    public WebhookRetrySchedule Schedule => _schedule;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(options.Value.MaxConcurrentDeliveries);
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                var free = slots.CurrentCount;
                if (free > 0)
                {
                    var claimed = await ClaimAsync(free, stoppingToken);
                    foreach (var (deliveryId, endpointId) in claimed)
                    {
                        await slots.WaitAsync(stoppingToken);
                        _inFlight.AddOrUpdate(endpointId, 1, (_, n) => n + 1);
                        _ = SendOneAsync(deliveryId, endpointId, slots, stoppingToken);
                    }

                    full = claimed.Count == free;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogClaimFailed(logger, ex);
            }

            if (!full)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Takes up to <paramref name="limit"/> due deliveries under this replica's lease; returns their ids and endpoints.</summary>
    private async Task<List<(Guid DeliveryId, Guid EndpointId)>> ClaimAsync(int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var perEndpoint = options.Value.MaxInFlightPerEndpoint;
        var busy = _inFlight.Where(kv => kv.Value >= perEndpoint).Select(kv => kv.Key).ToArray();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingsDbContext>();
        var rows = await db.Database.SqlQuery<ClaimedDelivery>($"""
            WITH due AS (
                SELECT d."Id", row_number() OVER (PARTITION BY d."EndpointId" ORDER BY d."NextAttemptAt") AS n
                FROM webhook_deliveries d JOIN webhook_endpoints e ON e."Id" = d."EndpointId"
                WHERE d."Status" = 'Pending' AND d."NextAttemptAt" <= {now} AND (d."LeaseUntil" IS NULL OR d."LeaseUntil" < {now})
                  AND e."DisabledAt" IS NULL AND NOT (d."EndpointId" = ANY({busy}))
                ORDER BY d."NextAttemptAt" LIMIT 1000),
            picked AS (
                SELECT d."Id" FROM webhook_deliveries d JOIN due ON due."Id" = d."Id"
                WHERE due.n <= {perEndpoint}
                ORDER BY d."NextAttemptAt" LIMIT {limit}
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries w SET "LeaseUntil" = {now + options.Value.Lease}
            FROM picked WHERE w."Id" = picked."Id"
            RETURNING w."Id" AS "DeliveryId", w."EndpointId" AS "EndpointId"
            """).ToListAsync(cancellationToken);
        return rows.Select(r => (r.DeliveryId, r.EndpointId)).ToList();
    }

    private async Task SendOneAsync(Guid deliveryId, Guid endpointId, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BookingsDbContext>();
            var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, stoppingToken);
            var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == endpointId, stoppingToken);
            if (delivery is not { Status: WebhookDeliveryStatus.Pending } || endpoint is not { IsEnabled: true })
            {
                return;
            }

            var result = await sender.SendAsync(endpoint, delivery, time.GetUtcNow(), stoppingToken);
            var now = time.GetUtcNow();
            db.WebhookAttempts.Add(delivery.Record(result.StatusCode, result.Error, result.LatencyMs, now, _schedule));
            if (delivery.Status == WebhookDeliveryStatus.Failed
                && !await db.WebhookDeliveries.AnyAsync(d => d.EndpointId == endpointId && d.DeliveredAt > delivery.CreatedAt, CancellationToken.None))
            {
                endpoint.Disable($"Every attempt to deliver {delivery.MessageId} failed ({delivery.Attempts} over {Describe(_schedule.Total)}) and nothing " +
                    $"was received since; the last: {delivery.LastError}", now);
                // Its organizer is told, in the same transaction as the change (the outbox), so the email is never lost.
                db.AddIntegrationEvent(new WebhookEndpointDisabled(endpoint.Id, endpoint.OrganizerId, endpoint.Url, endpoint.DisabledReason!, now));
                LogEndpointDisabled(logger, endpointId, endpoint.OrganizerId);
            }

            // The attempt happened: record it even when the service is stopping.
            await db.SaveChangesAsync(CancellationToken.None);
            if (!result.Succeeded)
            {
                LogAttemptFailed(logger, delivery.MessageId, endpointId, delivery.Attempts, result.Error);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping mid-attempt: the lease runs out and another sender (or this one after a restart) makes the attempt.
        }
        catch (DbUpdateConcurrencyException)
        {
            // The organizer changed the endpoint meanwhile: the lease runs out and the delivery is tried again with the change.
        }
        catch (Exception ex)
        {
            LogSendFailed(logger, ex, deliveryId);
        }
        finally
        {
            _inFlight.AddOrUpdate(endpointId, 0, (_, n) => Math.Max(0, n - 1));
            slots.Release();
            signal.Notify();
        }
    }

    private static string Describe(TimeSpan span) =>
        span >= TimeSpan.FromHours(2) ? $"{span.TotalHours:0} hours" : span >= TimeSpan.FromMinutes(2) ? $"{span.TotalMinutes:0} minutes" : $"{span.TotalSeconds:0} seconds";

    private sealed record ClaimedDelivery(Guid DeliveryId, Guid EndpointId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take due webhook deliveries; trying again")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook delivery {DeliveryId} could not be sent or recorded; its lease will run out and it is tried again")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, Guid deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {MessageId} to endpoint {EndpointId} failed (attempt {Attempt}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string messageId, Guid endpointId, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} of organizer {OrganizerId} was disabled: it kept failing")]
    private static partial void LogEndpointDisabled(ILogger logger, Guid endpointId, Guid organizerId);
}
