using Events.Api.Holds;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// Ticket types on every store (PostgreSQL and MongoDB): I1/I2 per type and per event, under the same concurrency as holds
/// of one type, and the types' own rules (visibility, sales window, per-order limit) on both the lone and the batch path.
/// Every scenario ends by checking the invariants on both levels (<see cref="StoreContract.AssertConservedAsync"/>).
/// </summary>
public abstract class TicketTypeStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    private static TicketTypeInput Input(string name, decimal price = 50m, int? capacity = null, int maxPerOrder = 20,
        TicketTypeVisibility visibility = TicketTypeVisibility.Public, DateTimeOffset? salesStart = null, DateTimeOffset? salesEnd = null) =>
        new(name, null, price, "EUR", capacity, salesStart, salesEnd, maxPerOrder, visibility, 1);

    private async Task<TicketType> AddTypeAsync(CatalogEvent e, TicketTypeInput input)
    {
        var type = TicketTypeRules.Create(e, input, Now);
        Assert.Equal(TicketTypeChangeResult.Done, (await TicketTypes().AddAsync(type, Ct)).Result);
        return type;
    }

    private async Task<TicketType> StandardAsync(Guid eventId) => Assert.Single(await TicketTypes().ListAsync(eventId, Ct), t => t.Name == TicketType.DefaultName);

    private static HoldRequest Lines(params (TicketType Type, int Quantity)[] lines) =>
        Request(lines.Sum(l => l.Quantity)) with { Lines = [.. lines.Select(l => new HoldLineRequest(l.Type.Id, l.Quantity))] };

    [Fact]
    public async Task A_new_event_sells_one_standard_type_at_its_price_and_a_hold_without_lines_takes_it()
    {
        var e = await CreateAsync(NewEvent(capacity: 6, price: 12.5m));
        var standard = await StandardAsync(e.Id);
        Assert.Equal((12.5m, "EUR", (int?)null, TicketTypeVisibility.Public), (standard.Price, standard.Currency, standard.Capacity, standard.Visibility));

        var placed = await PlaceAsync(e.Id, Request(2));
        Assert.Equal(PlaceHoldResult.Created, placed.Result);
        Assert.Equal(new HoldLine(standard.Id, TicketType.DefaultName, 2, 12.5m), Assert.Single(placed.Hold!.Lines));
        Assert.Equal(placed.Hold.Lines, (await Inventory().GetHoldAsync(placed.Hold.HoldId, Ct))!.Lines);
        await AssertConservedAsync(e.Id, expectedHeld: 2);
    }

    [Fact]
    public async Task A_capped_type_sells_out_while_the_event_still_has_seats()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        var vip = await AddTypeAsync(e, Input("VIP", capacity: 2));
        var standard = await StandardAsync(e.Id);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((vip, 2)))).Result);
        Assert.Equal(PlaceHoldResult.SoldOut, (await PlaceAsync(e.Id, Lines((vip, 1)))).Result);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((standard, 3)))).Result);
        // The batch path decides the same way, in order, first fit on both levels.
        var outcomes = await Inventory().PlaceHoldsAsync(e.Id, [Lines((vip, 1)), Lines((standard, 4)), Lines((standard, 2)), Lines((standard, 1))], Now, Ct);
        Assert.Equal([PlaceHoldResult.SoldOut, PlaceHoldResult.Created, PlaceHoldResult.SoldOut, PlaceHoldResult.Created], outcomes.Select(o => o.Result));
        await AssertConservedAsync(e.Id, expectedHeld: 10);
    }

    [Fact]
    public async Task The_event_sells_out_while_a_type_still_has_seats()
    {
        var e = await CreateAsync(NewEvent(capacity: 5));
        var vip = await AddTypeAsync(e, Input("VIP", capacity: 4));
        var standard = await StandardAsync(e.Id);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((standard, 3)))).Result);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((vip, 2)))).Result);
        Assert.Equal(PlaceHoldResult.SoldOut, (await PlaceAsync(e.Id, Lines((vip, 1)))).Result);
        Assert.Equal(PlaceHoldResult.SoldOut, (await Inventory().PlaceHoldsAsync(e.Id, [Lines((vip, 1)), Lines((vip, 1))], Now, Ct))[1].Result);
        var vipNow = (await TicketTypes().ListAsync(e.Id, Ct)).Single(t => t.Id == vip.Id);
        Assert.Equal(2, vipNow.Capacity - vipNow.Committed);
        Assert.Equal(0, vipNow.AvailableWithin((await Inventory().GetInventoryAsync(e.Id, Ct))!.Available));
        await AssertConservedAsync(e.Id, expectedHeld: 5);
    }

    [Fact]
    public async Task A_hold_of_several_types_is_all_or_nothing()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        var vip = await AddTypeAsync(e, Input("VIP", price: 80m, capacity: 1));
        var standard = await StandardAsync(e.Id);
        Assert.Equal(PlaceHoldResult.SoldOut, (await PlaceAsync(e.Id, Lines((standard, 2), (vip, 2)))).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 0);

        var placed = await PlaceAsync(e.Id, Lines((standard, 2), (vip, 1)));
        Assert.Equal(PlaceHoldResult.Created, placed.Result);
        Assert.Equal(3, placed.Hold!.Quantity);
        Assert.Equal(2 * 25m + 80m, placed.Hold.TotalPrice);
        Assert.Equal(PlaceHoldResult.Existing, (await PlaceAsync(e.Id, Lines((standard, 2), (vip, 1)) with { HoldId = placed.Hold.HoldId })).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 3);
    }

    [Fact]
    public async Task Which_type_must_be_said_when_there_are_several_and_it_must_be_the_events()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        var other = await CreateAsync(NewEvent(capacity: 10));
        await AddTypeAsync(e, Input("VIP"));
        Assert.Equal(PlaceHoldResult.TicketTypeRequired, (await PlaceAsync(e.Id, Request(1))).Result);
        Assert.Equal(PlaceHoldResult.TicketTypeRequired, (await Inventory().PlaceHoldsAsync(e.Id, [Request(1), Request(1)], Now, Ct))[0].Result);
        Assert.Equal(PlaceHoldResult.TicketTypeNotFound, (await PlaceAsync(e.Id, Lines((await StandardAsync(other.Id), 1)))).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 0);
    }

    [Fact]
    public async Task A_hidden_type_is_held_only_when_the_hold_unlocks_it()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        var secret = await AddTypeAsync(e, Input("Friends", price: 10m, visibility: TicketTypeVisibility.Hidden));
        Assert.Equal(PlaceHoldResult.TicketTypeNotFound, (await PlaceAsync(e.Id, Lines((secret, 1)))).Result);
        Assert.Equal(PlaceHoldResult.TicketTypeNotFound, (await Inventory().PlaceHoldsAsync(e.Id, [Lines((secret, 1)), Lines((secret, 1))], Now, Ct))[1].Result);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((secret, 2)) with { UnlockedTicketTypeIds = [secret.Id] })).Result);
        // The event's displayed ("from") price is its cheapest public type's: the hidden one does not count.
        Assert.Equal(25m, (await Catalog().GetAsync(e.Id, Ct))!.Event.Price);
        await AssertConservedAsync(e.Id, expectedHeld: 2);
    }

    [Fact]
    public async Task A_type_sells_only_inside_its_sales_window_and_within_its_per_order_limit()
    {
        var e = await CreateAsync(NewEvent(capacity: 20));
        var early = await AddTypeAsync(e, Input("Early bird", salesEnd: Now + TimeSpan.FromHours(1), maxPerOrder: 2));
        var late = await AddTypeAsync(e, Input("Late", salesStart: Now + TimeSpan.FromDays(1)));
        Assert.Equal(PlaceHoldResult.TicketTypeNotOnSale, (await PlaceAsync(e.Id, Lines((late, 1)))).Result);
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((late, 1)), Now + TimeSpan.FromDays(2))).Result);
        Assert.Equal(PlaceHoldResult.TicketTypeNotOnSale, (await PlaceAsync(e.Id, Lines((early, 1)), Now + TimeSpan.FromHours(2))).Result);
        Assert.Equal(PlaceHoldResult.OverOrderLimit, (await PlaceAsync(e.Id, Lines((early, 3)))).Result);
        Assert.Equal(PlaceHoldResult.OverOrderLimit, (await Inventory().PlaceHoldsAsync(e.Id, [Lines((early, 3)), Lines((early, 2))], Now, Ct))[0].Result);
        await AssertConservedAsync(e.Id, expectedHeld: 3);
    }

    [Fact]
    public async Task Confirming_releasing_and_expiring_move_each_types_counters()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        var vip = await AddTypeAsync(e, Input("VIP", capacity: 4));
        var standard = await StandardAsync(e.Id);
        var store = Inventory();
        var sold = (await PlaceAsync(e.Id, Lines((standard, 2), (vip, 1)))).Hold!;
        var released = (await PlaceAsync(e.Id, Lines((vip, 1)))).Hold!;
        var expiring = (await PlaceAsync(e.Id, Lines((vip, 1), (standard, 1)), Now)).Hold!;
        var expiring2 = (await PlaceAsync(e.Id, Request(1, expiresIn: TimeSpan.FromSeconds(30)) with { Lines = [new(vip.Id, 1)] })).Hold!;
        Assert.Equal(ConfirmHoldResult.Confirmed, (await store.ConfirmHoldAsync(e.Id, sold.HoldId, Now, Ct)).Result);
        Assert.Equal(ReleaseHoldResult.Released, await store.ReleaseHoldAsync(e.Id, released.HoldId, Now, Ct));
        await AssertConservedAsync(e.Id, expectedHeld: 3, expectedSold: 3);

        var late = Now + TimeSpan.FromMinutes(30);
        Assert.True(await store.ExpireHoldsAsync(late, 1000, Ct) >= 2);
        await AssertConservedAsync(e.Id, expectedHeld: 0, expectedSold: 3);
        // VIP has 3 seats left: someone takes them all; an expired VIP hold cannot take its seat back, though the event has seats.
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((vip, 3)), late)).Result);
        Assert.Equal(ConfirmHoldResult.Expired, (await store.ConfirmHoldAsync(e.Id, expiring.HoldId, late, Ct)).Result);
        Assert.Equal(ConfirmHoldResult.Expired, (await store.ConfirmHoldsAsync(e.Id, [expiring2.HoldId, expiring.HoldId], late, Ct))[0].Result);
        await AssertConservedAsync(e.Id, expectedHeld: 3, expectedSold: 3);
        Assert.Equal(ReleaseHoldResult.Released, await store.ReleaseHoldAsync(e.Id, sold.HoldId, late, Ct));
        // One VIP seat back: the first expired hold in the batch takes it, the second finds it gone.
        Assert.Equal([ConfirmHoldResult.Confirmed, ConfirmHoldResult.Expired],
            (await store.ConfirmHoldsAsync(e.Id, [expiring2.HoldId, expiring.HoldId], late, Ct)).Select(o => o.Result));
        await AssertConservedAsync(e.Id, expectedHeld: 3, expectedSold: 1);
    }

    [Fact]
    public async Task Concurrent_holds_through_the_coalescer_and_alone_never_oversell_a_type_or_the_event()
    {
        var e = await CreateAsync(NewEvent(capacity: 40));
        var vip = await AddTypeAsync(e, Input("VIP", capacity: 10));
        var balcony = await AddTypeAsync(e, Input("Balcony", capacity: 25));
        var standard = await StandardAsync(e.Id);
        var services = new ServiceCollection();
        Backend.AddStores(services);
        await using var provider = services.BuildServiceProvider();
        var coalescer = new HoldCoalescer(provider.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System,
            Options.Create(new InventoryOptions()), NullLogger<HoldCoalescer>.Instance);
        var mixes = new[] { Lines((vip, 1)), Lines((balcony, 2)), Lines((vip, 1), (balcony, 1)), Lines((standard, 1), (vip, 1)), Lines((standard, 2)) };
        var requests = Enumerable.Range(0, 240).Select(i => mixes[i % mixes.Length] with { HoldId = Guid.CreateVersion7() }).ToList();
        var outcomes = await Task.WhenAll(requests.Select((r, i) => Task.Run(() => i % 3 == 0
            ? PlaceAsync(e.Id, r)
            : coalescer.PlaceAsync(e.Id, r, Ct))));
        Assert.All(outcomes, o => Assert.Contains(o.Result, new[] { PlaceHoldResult.Created, PlaceHoldResult.SoldOut }));
        var created = outcomes.Where(o => o.Result == PlaceHoldResult.Created).ToList();
        Assert.Contains(outcomes, o => o.Result == PlaceHoldResult.SoldOut);
        Assert.True(created.SelectMany(o => o.Hold!.Lines).Where(l => l.TicketTypeId == vip.Id).Sum(l => l.Quantity) <= 10);
        Assert.Equal(40, created.Sum(o => o.Hold!.Quantity) + (await Inventory().GetInventoryAsync(e.Id, Ct))!.Available);
        await AssertConservedAsync(e.Id, expectedHeld: created.Sum(o => o.Hold!.Quantity));

        // Half are confirmed and the rest released at once, through both paths: the counters of both levels follow.
        await Task.WhenAll(created.Select((o, i) => Task.Run(async () =>
        {
            if (i % 2 == 0) { await coalescer.ConfirmAsync(e.Id, o.Hold!.HoldId, Ct); }
            else { await Inventory().ReleaseHoldAsync(e.Id, o.Hold!.HoldId, Now, Ct); }
        })));
        await AssertConservedAsync(e.Id, expectedHeld: 0);
    }

    [Fact]
    public async Task Types_are_added_changed_and_removed_under_their_rules_and_the_event_shows_the_from_price()
    {
        var e = await CreateAsync(NewEvent(capacity: 10, price: 30m));
        var store = TicketTypes();
        var vip = await AddTypeAsync(e, Input("VIP", price: 90m, capacity: 4));
        var cheap = await AddTypeAsync(e, Input("Early bird", price: 20m));
        Assert.Equal(["Standard", "VIP", "Early bird"], (await store.ListAsync(e.Id, Ct)).Select(t => t.Name));
        Assert.Equal(20m, (await Catalog().GetAsync(e.Id, Ct))!.Event.Price);

        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Lines((vip, 3)))).Result);
        Assert.Equal(new TicketTypeChange(TicketTypeChangeResult.CapacityBelowCommitted, 3), await store.UpdateAsync(vip with { Capacity = 2 }, Ct));
        Assert.Equal(TicketTypeChangeResult.Done, (await store.UpdateAsync(vip with { Capacity = 3, Price = 95m, Name = "VIP+" }, Ct)).Result);
        var changed = (await store.ListAsync(e.Id, Ct)).Single(t => t.Id == vip.Id);
        Assert.Equal(("VIP+", 95m, (int?)3, 3), (changed.Name, changed.Price, changed.Capacity, changed.Held));
        Assert.Equal(PlaceHoldResult.SoldOut, (await PlaceAsync(e.Id, Lines((vip, 1)))).Result);
        Assert.Equal(TicketTypeChangeResult.NotFound, (await store.UpdateAsync(vip with { Id = Guid.CreateVersion7() }, Ct)).Result);

        Assert.Equal(TicketTypeChangeResult.HasSales, (await store.DeleteAsync(e.Id, vip.Id, Ct)).Result);
        Assert.Equal(TicketTypeChangeResult.Done, (await store.DeleteAsync(e.Id, cheap.Id, Ct)).Result);
        Assert.Equal(30m, (await Catalog().GetAsync(e.Id, Ct))!.Event.Price);
        Assert.Equal(TicketTypeChangeResult.NotFound, (await store.DeleteAsync(e.Id, cheap.Id, Ct)).Result);
        Assert.Equal(TicketTypeChangeResult.Done, (await store.DeleteAsync(e.Id, (await StandardAsync(e.Id)).Id, Ct)).Result);
        Assert.Equal(95m, (await Catalog().GetAsync(e.Id, Ct))!.Event.Price);
        await Inventory().ReleaseHoldAsync(e.Id, (await Inventory().GetInventorySnapshotAsync(e.Id, Ct))!.ActiveHolds[0].HoldId, Now, Ct);
        Assert.Equal(TicketTypeChangeResult.LastType, (await store.DeleteAsync(e.Id, vip.Id, Ct)).Result);
        Assert.Equal(TicketTypeChangeResult.EventNotFound, (await store.AddAsync(vip with { Id = Guid.CreateVersion7(), EventId = Guid.CreateVersion7() }, Ct)).Result);
        await AssertConservedAsync(e.Id, expectedHeld: 0);
    }

    [Fact]
    public async Task An_edit_of_the_event_sets_its_only_types_price_and_every_types_currency()
    {
        var e = await CreateAsync(NewEvent(capacity: 10, price: 30m));
        await SaveAsync(e.Id, current =>
        {
            current.Price = 35m;
            current.Currency = "USD";
            return Change.Done();
        });
        var standard = await StandardAsync(e.Id);
        Assert.Equal((35m, "USD"), (standard.Price, standard.Currency));

        var vip = await AddTypeAsync((await Catalog().GetAsync(e.Id, Ct))!.Event, Input("VIP", price: 99m) with { Currency = "USD" });
        await SaveAsync(e.Id, current =>
        {
            current.Price = 1m; // several types: the event's price is their "from" price, whatever the edit says
            current.Currency = "GBP";
            return Change.Done();
        });
        var types = await TicketTypes().ListAsync(e.Id, Ct);
        Assert.Equal([35m, 99m], types.Select(t => t.Price));
        Assert.All(types, t => Assert.Equal("GBP", t.Currency));
        Assert.Equal(35m, (await Catalog().GetAsync(e.Id, Ct))!.Event.Price);
        Assert.Equal(vip.Id, types[1].Id);
    }
}
