using Events.Api.Model;
using Events.Api.WaitingList;
using Xunit;

namespace Events.Api.Tests.Model;

/// <summary>The waiting list's rules: what a join may ask for, when an event is sold out for it, and the hold an offer places.</summary>
public sealed class WaitingListModelTests
{
    private static readonly Guid EventId = Guid.CreateVersion7();

    private static TicketType Type(string name, int? capacity = null, int held = 0, int sold = 0, int maxPerOrder = 10,
        TicketTypeVisibility visibility = TicketTypeVisibility.Public) =>
        new(Guid.CreateVersion7(), EventId, name, null, 20m, "EUR", capacity, held, sold, null, null, maxPerOrder, visibility, 0,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    [Fact]
    public void A_one_type_event_needs_no_type_and_the_quantity_is_one_to_its_order_limit()
    {
        var only = Type("Standard", maxPerOrder: 4);
        Assert.Empty(WaitingListRules.Validate(4, null, [only], out var type));
        Assert.Equal(only, type);
        Assert.Contains("quantity", WaitingListRules.Validate(5, null, [only], out _).Keys);
        Assert.Contains("quantity", WaitingListRules.Validate(0, null, [only], out _).Keys);
        Assert.Contains("quantity", WaitingListRules.Validate(null, null, [only], out _).Keys);
        Assert.Contains("quantity", WaitingListRules.Validate(21, null, [Type("Standard", maxPerOrder: 50)], out _).Keys);
    }

    [Fact]
    public void Several_types_need_one_of_them_public_and_of_this_event()
    {
        var (standard, vip, hidden) = (Type("Standard"), Type("VIP", maxPerOrder: 2), Type("Crew", visibility: TicketTypeVisibility.Hidden));
        TicketType[] types = [standard, vip, hidden];
        Assert.Equal(["ticketTypeId"], WaitingListRules.Validate(1, null, types, out _).Keys);
        Assert.Equal(["ticketTypeId"], WaitingListRules.Validate(1, hidden.Id, types, out _).Keys);
        Assert.Equal(["ticketTypeId"], WaitingListRules.Validate(1, Guid.CreateVersion7(), types, out _).Keys);
        Assert.Empty(WaitingListRules.Validate(2, vip.Id, types, out var chosen));
        Assert.Equal(vip, chosen);
        Assert.Equal(["quantity"], WaitingListRules.Validate(3, vip.Id, types, out _).Keys);
    }

    [Fact]
    public void An_event_is_sold_out_for_a_wish_when_fewer_seats_are_left_on_it_or_on_the_types_own_cap()
    {
        var inventory = new Inventory(EventId, Capacity: 10, Held: 3, Sold: 5);
        Assert.False(WaitingListRules.IsSoldOutFor(inventory, null, 2));
        Assert.True(WaitingListRules.IsSoldOutFor(inventory, null, 3));
        Assert.True(WaitingListRules.IsSoldOutFor(inventory, Type("VIP", capacity: 4, held: 1, sold: 2), 2));
        Assert.False(WaitingListRules.IsSoldOutFor(inventory, Type("Standard"), 2));
    }

    [Fact]
    public void An_offer_holds_the_entrys_quantity_of_its_type_under_the_offer_id()
    {
        var typeId = Guid.CreateVersion7();
        var offerId = Guid.CreateVersion7();
        var expiresAt = DateTimeOffset.UtcNow.AddMinutes(30);
        var entry = new WaitingListEntry(Guid.CreateVersion7(), EventId, Guid.CreateVersion7(), 3, typeId, WaitingListStatus.Waiting, 1,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, offerId, null, null, null);
        var hold = entry.OfferHold(offerId, expiresAt);
        Assert.Equal((offerId, 3, expiresAt), (hold.HoldId, hold.Quantity, hold.ExpiresAt));
        Assert.Equal([new HoldLineRequest(typeId, 3)], hold.Lines);
        Assert.Empty((entry with { TicketTypeId = null }).OfferHold(offerId, expiresAt).Lines);
        Assert.True(entry.IsActive);
        Assert.False((entry with { Status = WaitingListStatus.Missed }).IsActive);
    }
}
