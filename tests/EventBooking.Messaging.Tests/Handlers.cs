using System.Collections.Concurrent;
using EventBooking.Messaging.Contracts;

namespace EventBooking.Messaging.Tests;

/// <summary>What the handlers of one test saw.</summary>
public sealed class Probe
{
    public ConcurrentDictionary<Guid, int> Attempts { get; } = new();

    /// <summary>Deliveries whose handling has finished (its transaction committed or skipped), per message id.</summary>
    public ConcurrentDictionary<Guid, int> Handled { get; } = new();
    public ConcurrentDictionary<Guid, string> Sources { get; } = new();
    public ConcurrentQueue<string?> Baggage { get; } = new();

    /// <summary>The tokens <see cref="TokenHandler"/> was given, in delivery order.</summary>
    public ConcurrentQueue<string> Tokens { get; } = new();

    /// <summary>How many times each message makes <see cref="FlakyHandler"/> throw before it succeeds.</summary>
    public int FailuresBeforeSuccess { get; set; }

    /// <summary>While true, <see cref="FailingHandler"/> always throws.</summary>
    public bool AlwaysFail { get; set; } = true;

    public int TotalAttempts => Attempts.Values.Sum();
}

/// <summary>Records every delivery, then takes effect once through the EF inbox.</summary>
public sealed class RecordingHandler(OrdersDbContext db, Probe probe) : IIntegrationEventHandler<BookingConfirmed>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingConfirmed> message, CancellationToken cancellationToken)
    {
        // What was seen is recorded before the attempt is counted: tests wait for the attempt, then read the rest.
        probe.Sources[message.Id] = message.Source;
        probe.Baggage.Enqueue(message.Baggage);
        probe.Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        await db.ProcessOnceAsync(message.Id, nameof(RecordingHandler), ct =>
        {
            db.Effects.Add(new Effect { Id = Guid.CreateVersion7(), MessageId = message.Id, Consumer = nameof(RecordingHandler), Source = message.Source });
            return Task.CompletedTask;
        }, cancellationToken);
        probe.Handled.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
    }
}

/// <summary>Fails the first <see cref="Probe.FailuresBeforeSuccess"/> deliveries of each message.</summary>
public sealed class FlakyHandler(OrdersDbContext db, Probe probe) : IIntegrationEventHandler<BookingExpired>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingExpired> message, CancellationToken cancellationToken)
    {
        var attempt = probe.Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        await db.ProcessOnceAsync(message.Id, nameof(FlakyHandler), ct =>
        {
            db.Effects.Add(new Effect { Id = Guid.CreateVersion7(), MessageId = message.Id, Consumer = nameof(FlakyHandler), Source = message.Source });
            // Fails after writing, before commit: a failed attempt must leave no effect behind.
            return attempt <= probe.FailuresBeforeSuccess
                ? throw new InvalidOperationException($"Simulated failure {attempt} of message {message.Id}")
                : Task.CompletedTask;
        }, cancellationToken);
    }
}

/// <summary>Throws while <see cref="Probe.AlwaysFail"/>; takes effect once afterwards.</summary>
public sealed class FailingHandler(OrdersDbContext db, Probe probe) : IIntegrationEventHandler<BookingCancelled>
{
    public async Task HandleAsync(IntegrationEventEnvelope<BookingCancelled> message, CancellationToken cancellationToken)
    {
        probe.Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        if (probe.AlwaysFail)
        {
            throw new InvalidOperationException("Simulated poison handler");
        }

        await db.ProcessOnceAsync(message.Id, nameof(FailingHandler), ct =>
        {
            db.Effects.Add(new Effect { Id = Guid.CreateVersion7(), MessageId = message.Id, Consumer = nameof(FailingHandler), Source = message.Source });
            return Task.CompletedTask;
        }, cancellationToken);
    }
}

/// <summary>Records the secret token it is given; throws while <see cref="Probe.AlwaysFail"/>.</summary>
public sealed class TokenHandler(Probe probe) : IIntegrationEventHandler<PasswordResetRequested>
{
    public Task HandleAsync(IntegrationEventEnvelope<PasswordResetRequested> message, CancellationToken cancellationToken)
    {
        probe.Attempts.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        probe.Tokens.Enqueue(message.Data.Token);
        return probe.AlwaysFail ? throw new InvalidOperationException("Simulated mail outage") : Task.CompletedTask;
    }
}
