using EventBooking.ServiceDefaults;
using Events.Api.Infrastructure;
using Events.Api.Model;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>The contract every <see cref="ICatalogStore"/> passes (PostgreSQL and MongoDB): life cycle, search, an organizer's list.</summary>
public abstract class CatalogStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    [Fact]
    public async Task An_event_reads_back_with_every_property_it_was_saved_with_from_a_lookup_and_from_a_search()
    {
        // The PostgreSQL store reads only the columns a page needs, listed by hand: a property added to the model and not to
        // that list would read back as its default. Every property here differs from its default.
        var city = $"Roundtrip-{Guid.NewGuid():N}";
        var e = NewEvent(city: city, price: 12.5m);
        e.ImageUrl = "https://example.test/poster.png";
        e.PublishedAt = Now - TimeSpan.FromDays(1);
        e.CancelledAt = Now - TimeSpan.FromHours(1);
        e.CancellationReason = "A reason that is not empty.";
        e.UpdatedAt = Now - TimeSpan.FromMinutes(5);
        e.Version = 3;
        e.CalendarSequence = 2;
        await CreateAsync(e);

        var found = (await Catalog().GetAsync(e.Id, Ct))!.Event;
        var listed = Assert.Single((await Catalog().SearchAsync(new EventQuery { City = city }, Now, Ct)).Items).Event;
        foreach (var property in typeof(CatalogEvent).GetProperties().Where(p => p is { CanRead: true, CanWrite: true }))
        {
            var saved = property.GetValue(e);
            Assert.False(Equals(property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null, saved), $"{property.Name} is its default");
            Assert.True(Equals(saved, property.GetValue(found)), $"{property.Name}: saved {saved}, looked up {property.GetValue(found)}");
            Assert.True(Equals(saved, property.GetValue(listed)), $"{property.Name}: saved {saved}, listed {property.GetValue(listed)}");
        }
    }

    [Fact]
    public async Task Create_then_get_returns_the_event_with_all_seats_available()
    {
        var e = await CreateAsync(NewEvent(capacity: 42));
        var found = await Catalog().GetAsync(e.Id, Ct);
        Assert.NotNull(found);
        Assert.Equal(e.Title, found.Event.Title);
        Assert.Equal(e.StartsAt, found.Event.StartsAt);
        Assert.Equal(25m, found.Event.Price);
        Assert.Equal(new Inventory(e.Id, 42, 0, 0), found.Inventory);
        Assert.Null(await Catalog().GetAsync(Guid.CreateVersion7(), Ct));
    }

    [Fact]
    public async Task Save_bumps_the_version_and_refuses_a_stale_one()
    {
        var e = await CreateAsync(NewEvent());
        var copy = (await Catalog().GetAsync(e.Id, Ct))!.Event;
        copy.Title = "Renamed";
        Assert.Equal(SaveResult.Saved, await Catalog().SaveAsync(copy, 0, [], Ct));
        var stale = (await Catalog().GetAsync(e.Id, Ct))!.Event;
        Assert.Equal(1, stale.Version);
        Assert.Equal("Renamed", stale.Title);
        stale.Title = "Lost update";
        Assert.Equal(SaveResult.Concurrency, await Catalog().SaveAsync(stale, 0, [], Ct));
        Assert.Equal("Renamed", (await Catalog().GetAsync(e.Id, Ct))!.Event.Title);
        var missing = NewEvent();
        Assert.Equal(SaveResult.NotFound, await Catalog().SaveAsync(missing, 0, [], Ct));
    }

    [Fact]
    public async Task Capacity_cannot_go_below_held_plus_sold()
    {
        var e = await CreateAsync(NewEvent(capacity: 10));
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request(4))).Result);
        var sold = await PlaceAsync(e.Id, Request(3));
        await Inventory().ConfirmHoldAsync(e.Id, sold.Hold!.HoldId, Now, Ct);
        var current = (await Catalog().GetAsync(e.Id, Ct))!.Event;
        current.Capacity = 6;
        Assert.Equal(SaveResult.CapacityBelowCommitted, await Catalog().SaveAsync(current, current.Version, [], Ct));
        Assert.Equal(10, (await Inventory().GetInventoryAsync(e.Id, Ct))!.Capacity);
        current.Capacity = 7;
        Assert.Equal(SaveResult.Saved, await Catalog().SaveAsync(current, current.Version, [], Ct));
        await AssertConservedAsync(e.Id, expectedHeld: 4, expectedSold: 3);
        Assert.Equal(0, (await Inventory().GetInventoryAsync(e.Id, Ct))!.Available);
    }

    [Fact]
    public async Task Delete_refuses_an_event_with_held_or_sold_seats()
    {
        var free = await CreateAsync(NewEvent());
        Assert.Equal(DeleteResult.Deleted, await Catalog().DeleteAsync(free.Id, Ct));
        Assert.Null(await Catalog().GetAsync(free.Id, Ct));
        Assert.Equal(DeleteResult.NotFound, await Catalog().DeleteAsync(free.Id, Ct));

        var busy = await CreateAsync(NewEvent());
        var hold = await PlaceAsync(busy.Id, Request(2));
        Assert.Equal(DeleteResult.HasSeatsCommitted, await Catalog().DeleteAsync(busy.Id, Ct));
        await Inventory().ConfirmHoldAsync(busy.Id, hold.Hold!.HoldId, Now, Ct);
        Assert.Equal(DeleteResult.HasSeatsCommitted, await Catalog().DeleteAsync(busy.Id, Ct));
        Assert.NotNull(await Catalog().GetAsync(busy.Id, Ct));
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
        var store = Catalog();

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

        Assert.Equal([cheap.Id, mid.Id, dear.Id], (await store.SearchAsync(new EventQuery { City = city, Sort = EventSort.DateDescending }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.Equal([dear.Id, mid.Id, cheap.Id], (await store.SearchAsync(new EventQuery { City = city, Venue = "OLIS" }, Now, Ct)).Items.Select(i => i.Event.Id));
        Assert.Empty((await store.SearchAsync(new EventQuery { City = city, Venue = "%" }, Now, Ct)).Items);

        var page2 = await store.SearchAsync(new EventQuery { City = city, Page = 2, PageSize = 2 }, Now, Ct);
        Assert.Equal(3, page2.TotalCount);
        Assert.False(page2.TotalCountIsLowerBound);
        Assert.Equal([cheap.Id], page2.Items.Select(i => i.Event.Id));

        // Started events drop out of the default listing.
        var later = await store.SearchAsync(new EventQuery { City = city }, Now + TimeSpan.FromDays(2.5), Ct);
        Assert.Equal([cheap.Id], later.Items.Select(i => i.Event.Id));
    }

    [Fact]
    public async Task Only_available_follows_the_seats_through_holds_releases_expiry_confirmation_and_capacity()
    {
        var city = "Seats-" + Guid.NewGuid().ToString("N")[..8];
        var e = await CreateAsync(NewEvent(city: city, capacity: 2));
        var other = await CreateAsync(NewEvent(city: city, capacity: 5));
        async Task<IEnumerable<Guid>> AvailableAsync(DateTimeOffset? at = null) =>
            (await Catalog().SearchAsync(new EventQuery { City = city, OnlyAvailable = true }, at ?? Now, Ct)).Items.Select(i => i.Event.Id);

        Assert.Contains(e.Id, await AvailableAsync());
        var held = await PlaceAsync(e.Id, Request(2));
        Assert.Equal([other.Id], await AvailableAsync());
        Assert.Equal(ReleaseHoldResult.Released, await Inventory().ReleaseHoldAsync(e.Id, held.Hold!.HoldId, Now, Ct));
        Assert.Contains(e.Id, await AvailableAsync());

        // The last seat held until it expires: sold out, then available again once the expiry sweep frees it.
        await PlaceAsync(e.Id, Request(1));
        Assert.Equal(PlaceHoldResult.Created, (await PlaceAsync(e.Id, Request(1, expiresIn: TimeSpan.FromMinutes(1)))).Result);
        Assert.DoesNotContain(e.Id, await AvailableAsync());
        var later = Now + TimeSpan.FromMinutes(2);
        Assert.True(await Inventory().ExpireHoldsAsync(later, 100, Ct) >= 1);
        Assert.Contains(e.Id, await AvailableAsync(later));

        // Sold for good, then a larger hall.
        var bought = await PlaceAsync(e.Id, Request(1), later);
        await Inventory().ConfirmHoldAsync(e.Id, bought.Hold!.HoldId, later, Ct);
        Assert.DoesNotContain(e.Id, await AvailableAsync(later));
        var current = (await Catalog().GetAsync(e.Id, Ct))!.Event;
        current.Capacity = 3;
        Assert.Equal(SaveResult.Saved, await Catalog().SaveAsync(current, current.Version, [], Ct));
        Assert.Contains(e.Id, await AvailableAsync(later));
        Assert.Equal(1, (await Inventory().GetInventoryAsync(e.Id, Ct))!.Available);
    }

    [Fact]
    public async Task A_search_counts_its_matches_up_to_a_bound_past_the_page_asked_for()
    {
        var city = "Count-" + Guid.NewGuid().ToString("N")[..8];
        var created = (PagingExtensions.PagesAhead * 10) + 30;
        for (var i = 0; i < created; i++)
        {
            await CreateAsync(NewEvent(city: city, startsIn: TimeSpan.FromDays(1) + TimeSpan.FromMinutes(i)));
        }

        var store = Catalog();
        var first = await store.SearchAsync(new EventQuery { City = city, PageSize = 10 }, Now, Ct);
        Assert.Equal((PagingExtensions.PagesAhead * 10L, true), (first.TotalCount, first.TotalCountIsLowerBound));
        Assert.Equal(10, first.Items.Count);

        // Further on, the count reaches further: from page 4 (30 skipped) it is the exact total.
        var fourth = await store.SearchAsync(new EventQuery { City = city, Page = 4, PageSize = 10 }, Now, Ct);
        Assert.Equal((created, false), (fourth.TotalCount, fourth.TotalCountIsLowerBound));
        var last = await store.SearchAsync(new EventQuery { City = city, Page = created / 10, PageSize = 10 }, Now, Ct);
        Assert.Equal((created, false), (last.TotalCount, last.TotalCountIsLowerBound));
        Assert.Equal(10, last.Items.Count);
    }

    [Fact]
    public async Task An_organizer_lists_their_own_events_drafts_included()
    {
        var organizer = Guid.CreateVersion7();
        var draft = await CreateAsync(NewEvent(organizerId: organizer, status: EventStatus.Draft));
        var published = await CreateAsync(NewEvent(organizerId: organizer));
        await CreateAsync(NewEvent());
        var mine = await Catalog().ListByOrganizerAsync(organizer, new PageQuery(1, 10), Ct);
        Assert.Equal(new[] { draft.Id, published.Id }.Order(), mine.Items.Select(m => m.Event.Id).Order());
        Assert.Equal(2, mine.TotalCount);

        var second = await Catalog().ListByOrganizerAsync(organizer, new PageQuery(2, 1), Ct);
        Assert.Equal((2, 1, 2L), (second.Page, second.PageSize, second.TotalCount));
        Assert.Equal(mine.Items[1].Event.Id, Assert.Single(second.Items).Event.Id);
    }
}
