using Events.Api.Holds;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// The contract every <see cref="Infrastructure.IInventoryStore"/> passes (PostgreSQL and MongoDB). Every scenario ends by
/// checking I1 and I2 and that the counters equal the sum of the holds.
/// </summary>
public abstract class InventoryStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    [Fact]
    public async Task Seats_available_of_several_events_come_in_one_read_and_unknown_ids_are_left_out()
    {
        var untouched = await CreateAsync(NewEvent(capacity: 7));
        var busy = await CreateAsync(NewEvent(capacity: 9));
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(busy.Id, Request(2))).Result);
        var sold = Request(3);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(busy.Id, sold)).Result);
        Assert.Equal(ConfirmHoldResult.Confirmed, (await Inventory().ConfirmHoldAsync(busy.Id, sold.HoldId, Now, Ct)).Result);

        var seats = await Inventory().GetSeatsAvailableAsync([untouched.Id, busy.Id, Guid.CreateVersion7()], Ct);
        Assert.Equal(2, seats.Count);
        Assert.Equal(7, seats[untouched.Id]);
        Assert.Equal(4, seats[busy.Id]);
        Assert.Empty(await Inventory().GetSeatsAvailableAsync([], Ct));
    }

    [Fact]
    public async Task A_hold_takes_seats_and_the_same_hold_id_never_counts_twice()
    {
        var e = await CreateAsync(NewEvent(capacity: 5));
        var request = Request(2);
        var first = await PlaceAsync(e.Id, request);
        Assert.Equal(PlaceHoldResult.Created, first.Result);
        Assert.Equal(HoldStatus.Held, first.Hold!.Status);
        var again = await PlaceAsync(e.Id, request with { Quantity = 3 });
        Assert.Equal(PlaceHoldResult.Existing, again.Result);
        Assert.Equal(2, again.Hold!.Quantity);
        Assert.Equal(request.HoldId, (await Inventory().GetHoldAsync(request.HoldId, Ct))!.HoldId);
        await AssertConservedAsync(e.Id, expectedHeld: 2, expectedSold: 0);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_hold_id_count_once()
    {
        var e = await CreateAsync(NewEvent(capacity: 50));
        var request = Request(3);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => PlaceAsync(e.Id, request))));
        Assert.Equal(1, outcomes.Count(o => o.Result == PlaceHoldResult.Created));
        Assert.All(outcomes, o => Assert.Equal(request.HoldId, o.Hold!.HoldId));
        await AssertConservedAsync(e.Id, expectedHeld: 3, expectedSold: 0);
    }

    [Fact]
    public async Task Holds_are_refused_when_seats_run_out_or_the_event_is_not_on_sale()
    {
        var e = await CreateAsync(NewEvent(capacity: 3));
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request(2))).Result);
        Assert.Equal(PlaceHoldResult.SoldOut, (await PlaceAsync(e.Id, Request(2))).Result);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request(1))).Result);
        Assert.Equal(PlaceHoldResult.SoldOut, (await PlaceAsync(e.Id, Request(1))).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 3);

        var draft = await CreateAsync(NewEvent(status: EventStatus.Draft));
        Assert.Equal(PlaceHoldResult.NotOnSale, (await PlaceAsync(draft.Id, Request())).Result);
        var cancelled = await CreateAsync(NewEvent(status: EventStatus.Cancelled));
        Assert.Equal(PlaceHoldResult.NotOnSale, (await PlaceAsync(cancelled.Id, Request())).Result);
        var started = await CreateAsync(NewEvent(startsIn: TimeSpan.FromHours(1)));
        Assert.Equal(PlaceHoldResult.NotOnSale, (await PlaceAsync(started.Id, Request(), Now + TimeSpan.FromHours(2))).Result);
        Assert.Equal(PlaceHoldResult.EventNotFound, (await PlaceAsync(Guid.CreateVersion7(), Request())).Result);
        foreach (var id in new[] { draft.Id, cancelled.Id, started.Id })
        {
            await AssertConservedAsync(id, expectedHeld: 0, expectedSold: 0);
        }
    }

    [Fact]
    public async Task A_hold_id_of_another_event_is_a_conflict()
    {
        var a = await CreateAsync(NewEvent());
        var b = await CreateAsync(NewEvent());
        var request = Request();
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(a.Id, request)).Result);
        Assert.Equal(PlaceHoldResult.HoldIdConflict, (await PlaceAsync(b.Id, request)).Result);
        await AssertConservedAsync(b.Id, expectedHeld: 0);
        await AssertConservedAsync(a.Id, expectedHeld: 1);
    }

    [Fact]
    public async Task A_batch_decides_in_order_first_fit_and_dedupes_repeated_ids()
    {
        var e = await CreateAsync(NewEvent(capacity: 5));
        var repeated = Request(1);
        var outcomes = await Inventory().PlaceHoldsAsync(e.Id, [Request(3), Request(3), repeated, Request(1), repeated, Request(1)], Now, Ct);
        Assert.Equal(
            [PlaceHoldResult.Created, PlaceHoldResult.SoldOut, PlaceHoldResult.Created, PlaceHoldResult.Created, PlaceHoldResult.Existing, PlaceHoldResult.SoldOut],
            outcomes.Select(o => o.Result));
        await AssertConservedAsync(e.Id, expectedHeld: 5);
    }

    [Fact]
    public async Task Two_hundred_concurrent_holds_for_fifty_seats_hold_exactly_fifty()
    {
        var e = await CreateAsync(NewEvent(capacity: 50));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => PlaceAsync(e.Id, Request(1)))));
        Assert.Equal(50, outcomes.Count(o => o.Result == PlaceHoldResult.Created));
        Assert.Equal(150, outcomes.Count(o => o.Result == PlaceHoldResult.SoldOut));
        await AssertConservedAsync(e.Id, expectedHeld: 50);
    }

    [Fact]
    public async Task Two_hundred_concurrent_holds_through_the_coalescer_hold_exactly_fifty()
    {
        var e = await CreateAsync(NewEvent(capacity: 50));
        await using var provider = StoreProvider();
        var coalescer = Coalescer(provider);
        var requests = Enumerable.Range(0, 200).Select(i => Request(1 + (i % 2))).ToList();
        // Every tenth request is retried at once: still one hold.
        var outcomes = await Task.WhenAll(requests.Concat(requests.Where((_, i) => i % 10 == 0))
            .Select(r => Task.Run(() => coalescer.PlaceAsync(e.Id, r, Ct))));
        var created = outcomes.Where(o => o.Result == PlaceHoldResult.Created).ToList();
        Assert.Equal(50, created.Sum(o => o.Hold!.Quantity) + (await Inventory().GetInventoryAsync(e.Id, Ct))!.Available);
        Assert.True(created.Sum(o => o.Hold!.Quantity) >= 49, "first fit leaves at most one seat");
        Assert.All(outcomes, o => Assert.Contains(o.Result, new[] { PlaceHoldResult.Created, PlaceHoldResult.Existing, PlaceHoldResult.SoldOut }));
        Assert.Equal(created.Count, created.Select(o => o.Hold!.HoldId).Distinct().Count());
        await AssertConservedAsync(e.Id, expectedHeld: created.Sum(o => o.Hold!.Quantity));
    }

    [Fact]
    public async Task Two_hundred_concurrent_confirmations_through_the_coalescer_sell_each_hold_once()
    {
        var e = await CreateAsync(NewEvent(capacity: 300));
        var holds = new List<Hold>();
        foreach (var request in Enumerable.Range(0, 200).Select(i => Request(1 + (i % 2))))
        {
            holds.Add((await PlaceAsync(e.Id, request)).Hold!);
        }

        await using var provider = StoreProvider();
        var coalescer = Coalescer(provider);
        // Every tenth confirmation is retried at once: still sold once.
        var outcomes = await Task.WhenAll(holds.Concat(holds.Where((_, i) => i % 10 == 0))
            .Select(h => Task.Run(() => coalescer.ConfirmAsync(e.Id, h.HoldId, Ct))));
        Assert.All(outcomes, o => Assert.Equal(ConfirmHoldResult.Confirmed, o.Result));
        Assert.All(outcomes, o => Assert.Equal(HoldStatus.Confirmed, o.Hold!.Status));
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: holds.Sum(h => h.Quantity));
    }

    [Fact]
    public async Task A_batch_of_confirmations_decides_each_in_order_as_if_it_were_alone()
    {
        var e = await CreateAsync(NewEvent(capacity: 8));
        var store = Inventory();
        var held = (await PlaceAsync(e.Id, Request(2))).Hold!;
        var sold = (await PlaceAsync(e.Id, Request(1))).Hold!;
        var released = (await PlaceAsync(e.Id, Request(1))).Hold!;
        var expiredWithSeats = (await PlaceAsync(e.Id, Request(2, expiresIn: TimeSpan.FromSeconds(30)))).Hold!;
        var expiredWithout = (await PlaceAsync(e.Id, Request(2, expiresIn: TimeSpan.FromSeconds(30)))).Hold!;
        await store.ConfirmHoldAsync(e.Id, sold.HoldId, Now, Ct);
        await store.ReleaseHoldAsync(e.Id, released.HoldId, Now, Ct);
        var late = Now + TimeSpan.FromMinutes(1);
        Assert.True(await store.ExpireHoldsAsync(late, 1_000, Ct) >= 2);
        // 5 seats free now; a newcomer takes 2, so only one of the two expired holds can take its seats back.
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request(2), late)).Result);

        var outcomes = await store.ConfirmHoldsAsync(e.Id,
            [held.HoldId, sold.HoldId, released.HoldId, expiredWithSeats.HoldId, expiredWithout.HoldId, Guid.CreateVersion7(), held.HoldId], late, Ct);

        Assert.Equal(
            [ConfirmHoldResult.Confirmed, ConfirmHoldResult.Confirmed, ConfirmHoldResult.Released, ConfirmHoldResult.Confirmed,
             ConfirmHoldResult.Expired, ConfirmHoldResult.HoldNotFound, ConfirmHoldResult.Confirmed],
            outcomes.Select(o => o.Result));
        Assert.Equal(expiredWithSeats.HoldId, outcomes[3].Hold!.HoldId);
        Assert.Equal(HoldStatus.Confirmed, outcomes[3].Hold!.Status);
        await AssertConservedAsync(e.Id, expectedHeld: 2, expectedSold: 5);
        Assert.Empty(await store.ConfirmHoldsAsync(e.Id, [], late, Ct));
    }

    private ServiceProvider StoreProvider()
    {
        var services = new ServiceCollection();
        Backend.AddStores(services);
        return services.BuildServiceProvider();
    }

    private static HoldCoalescer Coalescer(ServiceProvider provider) =>
        new(provider.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, Options.Create(new InventoryOptions()), NullLogger<HoldCoalescer>.Instance);

    [Fact]
    public async Task Inventory_snapshot_lists_the_held_and_confirmed_holds_that_make_up_the_counters()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        var store = Inventory();
        var sold = (await PlaceAsync(e.Id, Request(3))).Hold!;
        await store.ConfirmHoldAsync(e.Id, sold.HoldId, Now, Ct);
        var held = (await PlaceAsync(e.Id, Request(2))).Hold!;
        var released = (await PlaceAsync(e.Id, Request(1))).Hold!;
        await store.ReleaseHoldAsync(e.Id, released.HoldId, Now, Ct);

        var snapshot = await store.GetInventorySnapshotAsync(e.Id, Ct);
        Assert.NotNull(snapshot);
        Assert.Equal(new Inventory(e.Id, 10, 2, 3), snapshot.Inventory);
        Assert.Equal(new[] { held.HoldId, sold.HoldId }.Order(), snapshot.ActiveHolds.Select(h => h.HoldId).Order());
        Assert.Equal(HoldStatus.Confirmed, snapshot.ActiveHolds.Single(h => h.HoldId == sold.HoldId).Status);
        Assert.Equal(held.ExpiresAt, snapshot.ActiveHolds.Single(h => h.HoldId == held.HoldId).ExpiresAt);

        var empty = await CreateAsync(NewEvent(capacity: 5));
        Assert.Empty((await store.GetInventorySnapshotAsync(empty.Id, Ct))!.ActiveHolds);
        Assert.Null(await store.GetInventorySnapshotAsync(Guid.CreateVersion7(), Ct));
    }

    [Fact]
    public async Task Confirming_moves_held_seats_to_sold_once()
    {
        var e = await CreateAsync(NewEvent(capacity: 4));
        var hold = (await PlaceAsync(e.Id, Request(3))).Hold!;
        var store = Inventory();
        var confirmed = await store.ConfirmHoldAsync(e.Id, hold.HoldId, Now, Ct);
        Assert.Equal(ConfirmHoldResult.Confirmed, confirmed.Result);
        Assert.Equal(HoldStatus.Confirmed, confirmed.Hold!.Status);
        Assert.Equal(ConfirmHoldResult.Confirmed, (await store.ConfirmHoldAsync(e.Id, hold.HoldId, Now, Ct)).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 3);
        Assert.Equal(ConfirmHoldResult.HoldNotFound, (await store.ConfirmHoldAsync(e.Id, Guid.CreateVersion7(), Now, Ct)).Result);
        Assert.Equal(ConfirmHoldResult.HoldNotFound, (await store.ConfirmHoldAsync(Guid.CreateVersion7(), hold.HoldId, Now, Ct)).Result);
    }

    [Fact]
    public async Task Concurrent_confirms_of_one_hold_sell_its_seats_once()
    {
        var e = await CreateAsync(NewEvent(capacity: 4));
        var hold = (await PlaceAsync(e.Id, Request(2))).Hold!;
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
            (await Inventory().ConfirmHoldAsync(e.Id, hold.HoldId, Now, Ct)).Result)));
        Assert.All(results, r => Assert.Equal(ConfirmHoldResult.Confirmed, r));
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 2);
    }

    [Fact]
    public async Task A_held_hold_past_its_expiry_but_not_swept_is_still_confirmed()
    {
        var e = await CreateAsync(NewEvent(capacity: 2));
        var hold = (await PlaceAsync(e.Id, Request(2, expiresIn: TimeSpan.FromMinutes(1)))).Hold!;
        var outcome = await Inventory().ConfirmHoldAsync(e.Id, hold.HoldId, Now + TimeSpan.FromMinutes(5), Ct);
        Assert.Equal(ConfirmHoldResult.Confirmed, outcome.Result);
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 2);
    }

    [Fact]
    public async Task Expiry_returns_seats_and_confirming_later_reacquires_them_only_if_they_remain()
    {
        var e = await CreateAsync(NewEvent(capacity: 3));
        var early = (await PlaceAsync(e.Id, Request(2, expiresIn: TimeSpan.FromSeconds(30)))).Hold!;
        var other = (await PlaceAsync(e.Id, Request(1, expiresIn: TimeSpan.FromSeconds(30)))).Hold!;
        var late = Now + TimeSpan.FromMinutes(1);
        var store = Inventory();
        var expired = 0;
        int batch;
        while ((batch = await store.ExpireHoldsAsync(late, 1000, Ct)) > 0)
        {
            expired += batch;
        }

        Assert.True(expired >= 2, $"expired {expired}");
        Assert.Equal(HoldStatus.Expired, (await store.GetHoldAsync(early.HoldId, Ct))!.Status);
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 0);

        // Seats remain: the late payment re-acquires them.
        Assert.Equal(ConfirmHoldResult.Confirmed, (await store.ConfirmHoldAsync(e.Id, early.HoldId, late, Ct)).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 2);

        // Someone else takes the last seats; the other expired hold can no longer be confirmed.
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request(1), late)).Result);
        Assert.Equal(ConfirmHoldResult.Expired, (await store.ConfirmHoldAsync(e.Id, other.HoldId, late, Ct)).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 1, expectedSold: 2);
    }

    [Fact]
    public async Task Concurrent_sweepers_expire_each_hold_once()
    {
        var e = await CreateAsync(NewEvent(capacity: 100));
        for (var i = 0; i < 40; i++)
        {
            await PlaceAsync(e.Id, Request(2, expiresIn: TimeSpan.FromSeconds(10)));
        }

        var late = Now + TimeSpan.FromMinutes(1);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var store = Inventory();
            while (await store.ExpireHoldsAsync(late, 7, Ct) > 0)
            {
            }
        })));
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 0);
        Assert.Equal(100, (await Inventory().GetInventoryAsync(e.Id, Ct))!.Available);
    }

    [Fact]
    public async Task Releasing_returns_held_or_sold_seats_and_is_idempotent()
    {
        var e = await CreateAsync(NewEvent(capacity: 5));
        var store = Inventory();
        var held = (await PlaceAsync(e.Id, Request(2))).Hold!;
        var sold = (await PlaceAsync(e.Id, Request(3))).Hold!;
        await store.ConfirmHoldAsync(e.Id, sold.HoldId, Now, Ct);
        Assert.Equal(ReleaseHoldResult.Released, await store.ReleaseHoldAsync(e.Id, held.HoldId, Now, Ct));
        Assert.Equal(ReleaseHoldResult.NothingToRelease, await store.ReleaseHoldAsync(e.Id, held.HoldId, Now, Ct));
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 3);
        Assert.Equal(ReleaseHoldResult.Released, await store.ReleaseHoldAsync(e.Id, sold.HoldId, Now, Ct));
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 0);
        Assert.Equal(ReleaseHoldResult.NothingToRelease, await store.ReleaseHoldAsync(e.Id, Guid.CreateVersion7(), Now, Ct));
        Assert.Equal(ConfirmHoldResult.Released, (await store.ConfirmHoldAsync(e.Id, held.HoldId, Now, Ct)).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 0);
    }

    [Fact]
    public async Task Mixed_concurrent_traffic_keeps_the_invariants()
    {
        var e = await CreateAsync(NewEvent(capacity: 30));
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            var outcome = await PlaceAsync(e.Id, Request(1 + (i % 3), expiresIn: TimeSpan.FromSeconds(i % 4 == 0 ? 1 : 600)));
            if (outcome.Hold is null)
            {
                return;
            }

            var store = Inventory();
            switch (i % 5)
            {
                case 0: await store.ConfirmHoldAsync(e.Id, outcome.Hold.HoldId, Now, Ct); break;
                case 1: await store.ReleaseHoldAsync(e.Id, outcome.Hold.HoldId, Now, Ct); break;
                case 2: await store.ExpireHoldsAsync(Now + TimeSpan.FromSeconds(5), 5, Ct); break;
                case 3:
                    await store.ConfirmHoldAsync(e.Id, outcome.Hold.HoldId, Now, Ct);
                    await store.ReleaseHoldAsync(e.Id, outcome.Hold.HoldId, Now, Ct);
                    break;
            }
        })));
        await AssertConservedAsync(e.Id);
    }

    [Fact]
    public async Task Confirmations_racing_the_sweep_of_their_own_holds_confirm_and_never_fail()
    {
        // A sold-out event whose holds are all past their expiry: each confirmation races the sweepers expiring that very hold.
        // One that finds its hold just expired re-acquires the seat the sweep returned (nobody else wants it), so every one
        // ends Confirmed. The regression: PostgreSQL checked ck_inventory_no_oversell on the row as the confirmation's snapshot
        // had it (the swept seat still held, the event full) and refused the write, a 500 for a paid booking.
        for (var round = 0; round < 5; round++)
        {
            const int seats = 24;
            var e = await CreateAsync(NewEvent(capacity: seats));
            var holds = new List<Hold>();
            for (var i = 0; i < seats; i++)
            {
                holds.Add((await PlaceAsync(e.Id, Request(1, expiresIn: TimeSpan.FromSeconds(1)))).Hold!);
            }

            var late = Now + TimeSpan.FromSeconds(5);
            var sweeps = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                var store = Inventory();
                while (await store.ExpireHoldsAsync(late, 2, Ct) > 0)
                {
                }
            }));
            var confirms = Task.WhenAll(holds.Select(h => Task.Run(() => Inventory().ConfirmHoldAsync(e.Id, h.HoldId, late, Ct))));
            await Task.WhenAll(sweeps.Append(confirms));

            Assert.All(await confirms, c => Assert.Equal(ConfirmHoldResult.Confirmed, c.Result));
            await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: seats);
        }
    }

    [Fact]
    public async Task A_cancellation_racing_the_confirmation_of_its_hold_releases_its_seats_and_never_fails()
    {
        // Each event's one hold is confirmed and released at once: the release comes after the confirmation (it returns the
        // sold seats) or before it (the confirmation then finds the hold released); either way the seats come back. The
        // regression: a release whose snapshot predates the confirmation's commit computed "sold - quantity" from a sold that
        // lacked the hold, and PostgreSQL refused that row (ck_inventory_no_oversell) before recomputing it from the newest.
        for (var round = 0; round < 3; round++)
        {
            var races = new List<(Guid EventId, Task<ConfirmHoldOutcome> Confirm, Task<ReleaseHoldResult> Release)>();
            for (var i = 0; i < 16; i++)
            {
                var e = await CreateAsync(NewEvent(capacity: 2));
                var hold = (await PlaceAsync(e.Id, Request(2))).Hold!;
                races.Add((e.Id, Task.Run(() => Inventory().ConfirmHoldAsync(e.Id, hold.HoldId, Now, Ct)),
                    Task.Run(() => Inventory().ReleaseHoldAsync(e.Id, hold.HoldId, Now, Ct))));
            }

            await Task.WhenAll(races.SelectMany(r => new Task[] { r.Confirm, r.Release }));
            foreach (var (eventId, confirm, release) in races)
            {
                Assert.Equal(ReleaseHoldResult.Released, await release);
                Assert.Contains((await confirm).Result, new[] { ConfirmHoldResult.Confirmed, ConfirmHoldResult.Released });
                await AssertConservedAsync(eventId, expectedHeld: 0, expectedSold: 0);
            }
        }
    }

    [Fact]
    public async Task Sales_follow_the_event_as_it_is_published_moved_and_cancelled()
    {
        var e = await CreateAsync(NewEvent(capacity: 5, status: EventStatus.Draft));
        Assert.Equal(PlaceHoldResult.NotOnSale, (await PlaceAsync(e.Id, Request())).Result);

        await SaveAsync(e.Id, draft => draft.Publish(Now));
        var late = Request(expiresIn: TimeSpan.FromSeconds(30));
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, late)).Result);

        // A new start moves the end of the sale with it.
        await SaveAsync(e.Id, published =>
        {
            published.StartsAt = Now + TimeSpan.FromHours(1);
            return Change.Done();
        });
        Assert.Equal(PlaceHoldResult.NotOnSale, (await PlaceAsync(e.Id, Request(), Now + TimeSpan.FromHours(2))).Result);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request())).Result);

        // Cancelled: not on sale, and no longer bookable (an expired hold's late payment does not take seats back).
        Assert.Equal(1, await Inventory().ExpireHoldsAsync(Now + TimeSpan.FromMinutes(1), 1000, Ct));
        await SaveAsync(e.Id, published => published.Cancel("Storm warning", Now));
        Assert.Equal(PlaceHoldResult.NotOnSale, (await PlaceAsync(e.Id, Request())).Result);
        Assert.Equal(ConfirmHoldResult.Expired, (await Inventory().ConfirmHoldAsync(e.Id, late.HoldId, Now + TimeSpan.FromMinutes(1), Ct)).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 1, expectedSold: 0);
    }
}
