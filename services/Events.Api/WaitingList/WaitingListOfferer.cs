using System.ComponentModel.DataAnnotations;
using EventBooking.Messaging.Contracts;
using Events.Api.Holds;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.Options;

namespace Events.Api.WaitingList;

/// <summary>Waiting-list settings (<c>Events:WaitingList…</c>).</summary>
public sealed class WaitingListOptions
{
    public const string Section = "Events";

    /// <summary>How long offered seats stay held for the buyer (the offer window; fractions for tests, at most the 120 minutes a hold may last).</summary>
    [Range(0.01, 120)]
    public double WaitingListOfferMinutes { get; set; } = 30;

    /// <summary>How often the offerer looks for seats that came back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan WaitingListInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan OfferWindow => TimeSpan.FromMinutes(WaitingListOfferMinutes);
}

/// <summary>
/// Offers seats that came back (a cancellation, an expired hold, a refund, a raised capacity) to the buyers on sold-out events'
/// waiting lists, in order. Every replica runs it; one at a time offers (a PostgreSQL advisory lock per tick), so two replicas
/// never offer the same seats. Each tick: offers whose hold ended are settled (confirmed → booked, expired or released →
/// missed); then for each event with buyers waiting, while the seats left cover the first waiting buyer's quantity, a hold
/// is placed for them through the inventory (<see cref="HoldCoalescer"/>: I1/I2 by construction) with the entry's offer id
/// as hold id and the offer window as expiry, and the entry is marked offered together with a <c>waitlist.offered</c> in the
/// outbox. **Strict order**: a first buyer who wants more seats than are left blocks the ones behind until enough come back.
/// A crash between placing the hold and marking the entry leaves the offer id on the entry: the next tick places the same hold
/// again (idempotent per hold id) and marks it then, so no seat is held twice or lost.
/// </summary>
public sealed partial class WaitingListOfferer(IServiceScopeFactory scopes, HoldCoalescer coalescer, TimeProvider time,
    IOptions<WaitingListOptions> options, ILogger<WaitingListOfferer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.WaitingListInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; nothing is half-offered (see the class's remarks).
                LogTickFailed(logger, ex);
            }
        }
    }

    /// <summary>One round: settles ended offers and makes the offers the seats left allow. Returns how many offers it made (0 when another replica holds the lock).</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WaitingListStore>();
        var offered = 0;
        await store.UnderOffererLockAsync(async () =>
        {
            await store.SettleOffersAsync(time.GetUtcNow(), cancellationToken);
            foreach (var eventId in await store.EventsWithWaitingAsync(cancellationToken))
            {
                offered += await OfferAsync(store, scope.ServiceProvider.GetRequiredService<ICatalogStore>(),
                    scope.ServiceProvider.GetRequiredService<IInventoryStore>(), eventId, cancellationToken);
            }

            // Again at the end: an offer whose hold the sweeper expired during this tick (its seat may just have gone to the next
            // buyer) reads missed now, not a tick later.
            await store.SettleOffersAsync(time.GetUtcNow(), cancellationToken);
        }, cancellationToken);
        return offered;
    }

    /// <summary>Offers the event's waiting buyers, in order, the seats left; stops at the first who cannot be served yet.</summary>
    private async Task<int> OfferAsync(WaitingListStore store, ICatalogStore catalog, IInventoryStore inventory, Guid eventId, CancellationToken cancellationToken)
    {
        var offered = 0;
        while (await store.HeadAsync(eventId, cancellationToken) is { } head)
        {
            if (await catalog.GetAsync(eventId, cancellationToken) is not { } item)
            {
                return offered; // the event is gone (its list goes with it)
            }

            if (item.Inventory.Available < head.Quantity)
            {
                return offered; // strict order: the first in line waits for enough seats
            }

            var now = time.GetUtcNow();
            var outcome = await coalescer.PlaceAsync(eventId, head.OfferHold(head.OfferId!.Value, now + options.Value.OfferWindow), cancellationToken);
            switch (outcome.Result)
            {
                case PlaceHoldResult.Created:
                case PlaceHoldResult.Existing when outcome.Hold!.Status == HoldStatus.Held:
                    var hold = outcome.Hold!;
                    var e = item.Event;
                    var announcement = OutgoingEvent.Of(new WaitingListOffered(hold.HoldId, eventId, head.UserId, head.UserEmail, head.UserName,
                        hold.Quantity, head.TicketTypeId, e.Title, e.StartsAt, e.TimeZone, hold.ExpiresAt, now));
                    if (await store.MarkOfferedAsync(head.Id, hold.ExpiresAt, announcement, now, cancellationToken))
                    {
                        offered++;
                        LogOffered(logger, hold.Quantity, eventId, head.Id, hold.ExpiresAt);
                    }
                    else
                    {
                        // The buyer left (or the entry closed) while its seats were being held: they go back at once, not at the
                        // offer's expiry.
                        await inventory.ReleaseHoldAsync(eventId, hold.HoldId, now, cancellationToken);
                    }

                    break;
                case PlaceHoldResult.Existing:
                    // A hold placed by an earlier attempt that ended before the entry was marked: offer afresh.
                    await store.RenewOfferIdAsync(head.Id, cancellationToken);
                    break;
                case PlaceHoldResult.SoldOut:
                    return offered; // the seats went meanwhile (or the type's own cap is reached): wait for more
                default:
                    // Not on sale any more, the type gone or off sale, over its order limit: this wish cannot be served.
                    await store.CloseAsync(head.Id, now, cancellationToken);
                    LogClosed(logger, head.Id, eventId, outcome.Result);
                    break;
            }
        }

        return offered;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offered {Quantity} seat(s) of event {EventId} to waiting-list entry {EntryId} until {ExpiresAt}")]
    private static partial void LogOffered(ILogger logger, int quantity, Guid eventId, Guid entryId, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting-list entry {EntryId} of event {EventId} can no longer be offered ({Reason}): closed")]
    private static partial void LogClosed(ILogger logger, Guid entryId, Guid eventId, PlaceHoldResult reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offering waiting-list seats failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
