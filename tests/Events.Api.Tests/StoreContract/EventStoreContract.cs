using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// The one contract every <see cref="IEventStore"/> passes (PostgreSQL and MongoDB). Each test makes its own events,
/// so the tests of a class share one database. Every inventory scenario ends by checking I1 and I2 and that the
/// counters equal the sum of the holds.
/// </summary>
public abstract class EventStoreContract
{
    // Millisecond precision: what both stores keep (PostgreSQL has microseconds, MongoDB milliseconds).
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>A store over its own connection/context (safe to use from one task at a time).</summary>
    protected abstract ValueTask<IEventStore> OpenStoreAsync();

    /// <summary>Registers the store for code that resolves it from DI (the coalescer).</summary>
    protected abstract void AddStore(IServiceCollection services);

    /// <summary>Sums of the quantities of the event's holds that are held and confirmed, read straight from the database.</summary>
    protected abstract Task<(int Held, int Sold)> SumHoldsAsync(Guid eventId);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected async Task<IEventStore> Store() => await OpenStoreAsync();

    protected static CatalogEvent NewEvent(int capacity = 10, EventStatus status = EventStatus.Published, TimeSpan? startsIn = null,
        string title = "Contract concert", string city = "Lisbon", string category = "music", decimal price = 25m, Guid? organizerId = null,
        string description = "An evening of music.", string venue = "Coliseu")
    {
        var startsAt = Now + (startsIn ?? TimeSpan.FromDays(10));
        var e = CatalogEvent.Create(organizerId ?? Guid.CreateVersion7(),
            new EventInput(title, description, venue, city, startsAt, startsAt.AddHours(3), "Europe/Lisbon", category, capacity, price, "EUR", null), Now);
        e.Status = status;
        return e;
    }

    protected async Task<CatalogEvent> CreateAsync(CatalogEvent e)
    {
        await (await Store()).CreateAsync(e, Ct);
        return e;
    }

    protected async Task AssertConservedAsync(Guid eventId, int? expectedHeld = null, int? expectedSold = null)
    {
        var inventory = await (await Store()).GetInventoryAsync(eventId, Ct);
        Assert.NotNull(inventory);
        Assert.True(inventory.Held >= 0 && inventory.Sold >= 0, $"negative counters {inventory}");
        Assert.True(inventory.Held + inventory.Sold <= inventory.Capacity, $"I1 violated: {inventory}");
        Assert.Equal(inventory.Capacity, inventory.Available + inventory.Held + inventory.Sold);
        var (held, sold) = await SumHoldsAsync(eventId);
        Assert.Equal(held, inventory.Held);
        Assert.Equal(sold, inventory.Sold);
        if (expectedHeld is { } h) { Assert.Equal(h, inventory.Held); }
        if (expectedSold is { } s) { Assert.Equal(s, inventory.Sold); }
    }

    protected static HoldRequest Request(int quantity = 1, TimeSpan? expiresIn = null, Guid? holdId = null) =>
        new(holdId ?? Guid.CreateVersion7(), quantity, Now + (expiresIn ?? TimeSpan.FromMinutes(10)));

    protected async Task<PlaceHoldOutcome> PlaceAsync(Guid eventId, HoldRequest request, DateTimeOffset? now = null) =>
        (await (await Store()).PlaceHoldsAsync(eventId, [request], now ?? Now, Ct))[0];

    // ------------------------------------------------------------------ catalog

    [Fact]
    public async Task Create_then_get_returns_the_event_with_all_seats_available()
    {
        var e = await CreateAsync(NewEvent(capacity: 42));
        var found = await (await Store()).GetAsync(e.Id, Ct);
        Assert.NotNull(found);
        Assert.Equal(e.Title, found.Event.Title);
        Assert.Equal(e.StartsAt, found.Event.StartsAt);
        Assert.Equal(25m, found.Event.Price);
        Assert.Equal(new Inventory(e.Id, 42, 0, 0), found.Inventory);
        Assert.Null(await (await Store()).GetAsync(Guid.CreateVersion7(), Ct));
    }

    [Fact]
    public async Task Save_bumps_the_version_and_refuses_a_stale_one()
    {
        var e = await CreateAsync(NewEvent());
        var copy = (await (await Store()).GetAsync(e.Id, Ct))!.Event;
        copy.Title = "Renamed";
        Assert.Equal(SaveResult.Saved, await (await Store()).SaveAsync(copy, 0, [], Ct));
        var stale = (await (await Store()).GetAsync(e.Id, Ct))!.Event;
        Assert.Equal(1, stale.Version);
        Assert.Equal("Renamed", stale.Title);
        stale.Title = "Lost update";
        Assert.Equal(SaveResult.Concurrency, await (await Store()).SaveAsync(stale, 0, [], Ct));
        Assert.Equal("Renamed", (await (await Store()).GetAsync(e.Id, Ct))!.Event.Title);
        var missing = NewEvent();
        Assert.Equal(SaveResult.NotFound, await (await Store()).SaveAsync(missing, 0, [], Ct));
    }

    [Fact]
    public async Task Capacity_cannot_go_below_held_plus_sold()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request(4))).Result);
        var sold = await PlaceAsync(e.Id, Request(3));
        await (await Store()).ConfirmHoldAsync(e.Id, sold.Hold!.HoldId, Now, Ct);
        var current = (await (await Store()).GetAsync(e.Id, Ct))!.Event;
        current.Capacity = 6;
        Assert.Equal(SaveResult.CapacityBelowCommitted, await (await Store()).SaveAsync(current, current.Version, [], Ct));
        Assert.Equal(10, (await (await Store()).GetInventoryAsync(e.Id, Ct))!.Capacity);
        current.Capacity = 7;
        Assert.Equal(SaveResult.Saved, await (await Store()).SaveAsync(current, current.Version, [], Ct));
        await AssertConservedAsync(e.Id, expectedHeld: 4, expectedSold: 3);
        Assert.Equal(0, (await (await Store()).GetInventoryAsync(e.Id, Ct))!.Available);
    }

    [Fact]
    public async Task Delete_refuses_an_event_with_held_or_sold_seats()
    {
        var free = await CreateAsync(NewEvent());
        Assert.Equal(DeleteResult.Deleted, await (await Store()).DeleteAsync(free.Id, Ct));
        Assert.Null(await (await Store()).GetAsync(free.Id, Ct));
        Assert.Equal(DeleteResult.NotFound, await (await Store()).DeleteAsync(free.Id, Ct));

        var busy = await CreateAsync(NewEvent());
        var hold = await PlaceAsync(busy.Id, Request(2));
        Assert.Equal(DeleteResult.HasSeatsCommitted, await (await Store()).DeleteAsync(busy.Id, Ct));
        await (await Store()).ConfirmHoldAsync(busy.Id, hold.Hold!.HoldId, Now, Ct);
        Assert.Equal(DeleteResult.HasSeatsCommitted, await (await Store()).DeleteAsync(busy.Id, Ct));
        Assert.NotNull(await (await Store()).GetAsync(busy.Id, Ct));
        await AssertConservedAsync(busy.Id, expectedHeld: 0, expectedSold: 2);
    }

    [Fact]
    public async Task Search_filters_pages_and_sorts()
    {
        var city = "Search-" + Guid.NewGuid().ToString("N")[..8];
        var cheap = await CreateAsync(NewEvent(title: "Quartet by candlelight", city: city, price: 10m, startsIn: TimeSpan.FromDays(3), capacity: 1));
        var mid = await CreateAsync(NewEvent(title: "Harbour stand-up", city: city, category: "comedy", price: 20m, startsIn: TimeSpan.FromDays(2)));
        var dear = await CreateAsync(NewEvent(title: "Opera gala", city: city, price: 90m, startsIn: TimeSpan.FromDays(1), description: "Verdi and Puccini arias"));
        await CreateAsync(NewEvent(title: "Draft only", city: city, status: EventStatus.Draft));
        await CreateAsync(NewEvent(title: "Cancelled one", city: city, status: EventStatus.Cancelled));
        await PlaceAsync(cheap.Id, Request(1)); // sold out now
        var store = await Store();

        var all = await store.SearchAsync(new EventQuery { City = city }, Now, Ct);
        Assert.Equal(3, all.TotalCount);
        Assert.Equal([dear.Id, mid.Id, cheap.Id], all.Items.Select(i => i.Event.Id));

        var byPrice = await store.SearchAsync(new EventQuery { City = city.ToUpperInvariant(), Sort = EventSort.PriceDescending }, Now, Ct);
        Assert.Equal([dear.Id, mid.Id, cheap.Id], byPrice.Items.Select(i => i.Event.Id));

        Assert.Equal([mid.Id], (await store.SearchAsync(new EventQuery { City = city, Category = "comedy" }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.Equal([mid.Id, cheap.Id], (await store.SearchAsync(new EventQuery { City = city, MaxPrice = 20m, Sort = EventSort.Price }, Now, Ct)).Items.Select(i => i.Event.Id).Reverse());
        Assert.Equal([dear.Id], (await store.SearchAsync(new EventQuery { City = city, MinPrice = 50m }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.Equal([dear.Id], (await store.SearchAsync(new EventQuery { City = city, Text = "puccini" }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.Equal([cheap.Id], (await store.SearchAsync(new EventQuery { City = city, Text = "candlelight quartet" }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.DoesNotContain(cheap.Id, (await store.SearchAsync(new EventQuery { City = city, OnlyAvailable = true }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.Equal([mid.Id, cheap.Id], (await store.SearchAsync(new EventQuery { City = city, From = Now + TimeSpan.FromDays(1.5) }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.Equal([dear.Id], (await store.SearchAsync(new EventQuery { City = city, To = Now + TimeSpan.FromDays(1.5) }, Now, Ct)).Items.Select(i => i.Event.Id));

        var page2 = await store.SearchAsync(new EventQuery { City = city, Page = 2, PageSize = 2 }, Now, Ct);
        Assert.Equal(3, page2.TotalCount);
        Assert.Equal([cheap.Id], page2.Items.Select(i => i.Event.Id));

        // Started events drop out of the default listing.
        var later = await store.SearchAsync(new EventQuery { City = city }, Now + TimeSpan.FromDays(2.5), Ct);
        Assert.Equal([cheap.Id], later.Items.Select(i => i.Event.Id));
    }

    [Fact]
    public async Task An_organizer_lists_their_own_events_drafts_included()
    {
        var organizer = Guid.CreateVersion7();
        var draft = await CreateAsync(NewEvent(organizerId: organizer, status: EventStatus.Draft));
        var published = await CreateAsync(NewEvent(organizerId: organizer));
        await CreateAsync(NewEvent());
        var mine = await (await Store()).ListByOrganizerAsync(organizer, Ct);
        Assert.Equal(new[] { draft.Id, published.Id }.Order(), mine.Select(m => m.Event.Id).Order());
    }

    [Fact]
    public async Task Seats_available_of_several_events_come_in_one_read_and_unknown_ids_are_left_out()
    {
        var untouched = await CreateAsync(NewEvent(capacity: 7));
        var busy = await CreateAsync(NewEvent(capacity: 9));
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(busy.Id, Request(2))).Result);
        var sold = Request(3);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(busy.Id, sold)).Result);
        Assert.Equal(ConfirmHoldResult.Confirmed, (await (await Store()).ConfirmHoldAsync(busy.Id, sold.HoldId, Now, Ct)).Result);

        var seats = await (await Store()).GetSeatsAvailableAsync([untouched.Id, busy.Id, Guid.CreateVersion7()], Ct);
        Assert.Equal(2, seats.Count);
        Assert.Equal(7, seats[untouched.Id]);
        Assert.Equal(4, seats[busy.Id]);
        Assert.Empty(await (await Store()).GetSeatsAvailableAsync([], Ct));
    }

    // ------------------------------------------------------------------ holds

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
        Assert.Equal(request.HoldId, (await (await Store()).GetHoldAsync(request.HoldId, Ct))!.HoldId);
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
        var outcomes = await (await Store()).PlaceHoldsAsync(e.Id, [Request(3), Request(3), repeated, Request(1), repeated, Request(1)], Now, Ct);
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
        var services = new ServiceCollection();
        AddStore(services);
        await using var provider = services.BuildServiceProvider();
        var coalescer = new HoldCoalescer(provider.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System,
            Options.Create(new InventoryOptions()), NullLogger<HoldCoalescer>.Instance);
        var requests = Enumerable.Range(0, 200).Select(i => Request(1 + (i % 2))).ToList();
        // Every tenth request is retried at once: still one hold.
        var outcomes = await Task.WhenAll(requests.Concat(requests.Where((_, i) => i % 10 == 0))
            .Select(r => Task.Run(() => coalescer.PlaceAsync(e.Id, r, Ct))));
        var created = outcomes.Where(o => o.Result == PlaceHoldResult.Created).ToList();
        Assert.Equal(50, created.Sum(o => o.Hold!.Quantity) + (await (await Store()).GetInventoryAsync(e.Id, Ct))!.Available);
        Assert.True(created.Sum(o => o.Hold!.Quantity) >= 49, "first fit leaves at most one seat");
        Assert.All(outcomes, o => Assert.Contains(o.Result, new[] { PlaceHoldResult.Created, PlaceHoldResult.Existing, PlaceHoldResult.SoldOut }));
        Assert.Equal(created.Count, created.Select(o => o.Hold!.HoldId).Distinct().Count());
        await AssertConservedAsync(e.Id, expectedHeld: created.Sum(o => o.Hold!.Quantity));
    }

    [Fact]
    public async Task Inventory_snapshot_lists_the_held_and_confirmed_holds_that_make_up_the_counters()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        var store = await Store();
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
        var store = await Store();
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
            (await (await Store()).ConfirmHoldAsync(e.Id, hold.HoldId, Now, Ct)).Result)));
        Assert.All(results, r => Assert.Equal(ConfirmHoldResult.Confirmed, r));
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 2);
    }

    [Fact]
    public async Task A_held_hold_past_its_expiry_but_not_swept_is_still_confirmed()
    {
        var e = await CreateAsync(NewEvent(capacity: 2));
        var hold = (await PlaceAsync(e.Id, Request(2, expiresIn: TimeSpan.FromMinutes(1)))).Hold!;
        var outcome = await (await Store()).ConfirmHoldAsync(e.Id, hold.HoldId, Now + TimeSpan.FromMinutes(5), Ct);
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
        var store = await Store();
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
            var store = await Store();
            while (await store.ExpireHoldsAsync(late, 7, Ct) > 0)
            {
            }
        })));
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 0);
        Assert.Equal(100, (await (await Store()).GetInventoryAsync(e.Id, Ct))!.Available);
    }

    [Fact]
    public async Task Releasing_returns_held_or_sold_seats_and_is_idempotent()
    {
        var e = await CreateAsync(NewEvent(capacity: 5));
        var store = await Store();
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

            var store = await Store();
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

    // ------------------------------------------------------------------ attendance and reviews

    [Fact]
    public async Task Attendance_follows_confirmations_and_a_cancellation_is_final()
    {
        var store = await Store();
        var eventId = Guid.CreateVersion7();
        var user = Guid.CreateVersion7();
        var booking = Guid.CreateVersion7();
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, true, Now), Ct);
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, true, Now), Ct);
        Assert.True(await store.HasConfirmedBookingAsync(eventId, user, Ct));
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, false, Now), Ct);
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));
        // A late redelivery of the confirmation does not bring it back.
        await store.RecordAttendanceAsync(new Attendance(booking, eventId, user, true, Now), Ct);
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));

        // Out of order: the cancellation arrives first.
        var other = Guid.CreateVersion7();
        await store.RecordAttendanceAsync(new Attendance(other, eventId, user, false, Now), Ct);
        await store.RecordAttendanceAsync(new Attendance(other, eventId, user, true, Now), Ct);
        Assert.False(await store.HasConfirmedBookingAsync(eventId, user, Ct));
    }

    [Fact]
    public async Task One_review_per_user_editable_with_average_and_count()
    {
        var e = await CreateAsync(NewEvent());
        var store = await Store();
        var alice = Guid.CreateVersion7();
        var bob = Guid.CreateVersion7();
        var (first, created) = await store.UpsertReviewAsync(e.Id, alice, "Alice", 2, "Too loud", Now, Ct);
        Assert.True(created);
        var (edited, createdAgain) = await store.UpsertReviewAsync(e.Id, alice, "Alice", 4, "Grew on me", Now.AddMinutes(1), Ct);
        Assert.False(createdAgain);
        Assert.Equal(first.Id, edited.Id);
        await store.UpsertReviewAsync(e.Id, bob, "Bob", 5, "Superb", Now.AddMinutes(2), Ct);

        var (page, stats) = await store.GetEventReviewsAsync(e.Id, 1, 10, Ct);
        Assert.Equal(2, stats.Count);
        Assert.Equal(4.5, stats.AverageRating);
        Assert.Equal(["Superb", "Grew on me"], page.Items.Select(r => r.Text));
        var (secondPage, _) = await store.GetEventReviewsAsync(e.Id, 2, 1, Ct);
        Assert.Equal("Grew on me", Assert.Single(secondPage.Items).Text);

        var mine = await store.GetUserReviewsAsync(alice, 1, 10, Ct);
        Assert.Equal(1, mine.TotalCount);
        Assert.Equal(4, mine.Items[0].Rating);

        var (none, empty) = await store.GetEventReviewsAsync(Guid.CreateVersion7(), 1, 10, Ct);
        Assert.Empty(none.Items);
        Assert.Equal(new ReviewStats(null, 0), empty);
    }
}
