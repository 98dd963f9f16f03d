using Events.Api.Infrastructure.Mongo;
using Events.Api.Model;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Xunit;

namespace Events.Api.Tests.Model;

public sealed class ModelTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static EventRequest Valid() => new("Title", "Text", "Venue", "City", Now.AddDays(1), Now.AddDays(1).AddHours(2),
        "Europe/Paris", "music", 100, 10.50m, "EUR", "https://example.com/a.jpg");

    [Fact]
    public void A_valid_request_passes_and_defaults_the_time_zone()
    {
        var (input, errors) = EventValidation.Validate(Valid() with { TimeZone = null }, Now, isNew: true);
        Assert.Empty(errors);
        Assert.Equal("UTC", input!.TimeZone);
    }

    [Theory]
    [InlineData("endsAt")]
    [InlineData("capacity")]
    [InlineData("category")]
    [InlineData("currency")]
    [InlineData("title")]
    [InlineData("timeZone")]
    [InlineData("price")]
    [InlineData("imageUrl")]
    [InlineData("startsAt")]
    public void Each_bad_field_is_named(string field)
    {
        var request = field switch
        {
            "endsAt" => Valid() with { EndsAt = Now.AddHours(1) },
            "capacity" => Valid() with { Capacity = 0 },
            "category" => Valid() with { Category = "nope" },
            "currency" => Valid() with { Currency = "eur" },
            "title" => Valid() with { Title = new string('t', EventValidation.MaxTitle + 1) },
            "timeZone" => Valid() with { TimeZone = "Mars/Olympus" },
            "price" => Valid() with { Price = 1.234m },
            "imageUrl" => Valid() with { ImageUrl = "javascript:alert(1)" },
            _ => Valid() with { StartsAt = Now.AddMinutes(-1) },
        };
        var (input, errors) = EventValidation.Validate(request, Now, isNew: true);
        Assert.Null(input);
        Assert.Contains(field, errors.Keys);
    }

    private static (CatalogEvent Event, EventInput Input) NewDraft()
    {
        var (input, _) = EventValidation.Validate(Valid(), Now, isNew: true);
        return (CatalogEvent.Create(Guid.CreateVersion7(), input!, Now), input!);
    }

    private static Inventory Seats(CatalogEvent e, int held = 0, int sold = 0) => new(e.Id, e.Capacity, held, sold);

    [Fact]
    public void A_draft_is_published_once_and_only_before_it_starts()
    {
        var (e, _) = NewDraft();
        Assert.Equal(EventStatus.Draft, e.Status);
        Assert.Equal("invalid-state", e.Publish(Now.AddDays(2)).Error?.Code);
        Assert.Equal(EventStatus.Draft, e.Status);

        var published = e.Publish(Now);
        Assert.True(published.Changed);
        Assert.Null(published.Error);
        Assert.Null(published.Announcement);
        Assert.Equal((EventStatus.Published, Now), (e.Status, e.PublishedAt));
        var again = e.Publish(Now.AddMinutes(1));
        Assert.False(again.Changed);
        Assert.Null(again.Error);
        Assert.Equal(Now, e.PublishedAt);
    }

    [Fact]
    public void On_sale_and_bookable_follow_the_status_and_the_start()
    {
        var (e, _) = NewDraft();
        Assert.False(e.IsBookable);
        Assert.Null(e.OnSaleUntil);
        Assert.False(e.IsOnSale(Now));
        e.Publish(Now);
        Assert.True(e.IsBookable);
        Assert.Equal(e.StartsAt, e.OnSaleUntil);
        Assert.True(e.IsOnSale(Now));
        Assert.False(e.IsOnSale(Now.AddDays(1)));
        Assert.True(CatalogEvent.IsOnSaleAt(e.OnSaleUntil, Now));
        Assert.False(CatalogEvent.IsOnSaleAt(null, Now));
        Assert.Equal(EventStatus.Completed, e.EffectiveStatus(Now.AddDays(3)));
        e.Cancel("Storm", Now);
        Assert.False(e.IsBookable);
        Assert.Null(e.OnSaleUntil);
        Assert.False(e.IsOnSale(Now));
    }

    [Fact]
    public void An_edit_of_a_published_event_announces_a_new_date_or_venue_only()
    {
        var (e, input) = NewDraft();
        Assert.Null(e.Edit(input with { StartsAt = input.StartsAt.AddDays(1), EndsAt = input.EndsAt.AddDays(1) }, Seats(e), Now).Announcement);
        e.Publish(Now);
        var moved = e.Edit(input with { StartsAt = e.StartsAt.AddDays(1), EndsAt = e.EndsAt.AddDays(1), Title = "New" }, Seats(e), Now);
        Assert.True(moved.Changed);
        Assert.Equal(["startsAt", "endsAt"], Assert.IsType<Announcement.Updated>(moved.Announcement).ChangedFields);
        var titleOnly = e.Edit(input with { StartsAt = e.StartsAt, EndsAt = e.EndsAt, Title = "Only the title" }, Seats(e), Now);
        Assert.True(titleOnly.Changed);
        Assert.Null(titleOnly.Announcement);
        Assert.Equal("Only the title", e.Title);
    }

    [Fact]
    public void The_calendar_sequence_rises_when_the_time_or_place_changes_or_the_event_is_cancelled_only()
    {
        var (e, input) = NewDraft();
        e.Edit(input with { StartsAt = input.StartsAt.AddHours(1), EndsAt = input.EndsAt.AddHours(1) }, Seats(e), Now);
        Assert.Equal(0, e.CalendarSequence); // a draft is in nobody's calendar
        e.Publish(Now);
        Assert.Equal(0, e.CalendarSequence);
        var current = input with { StartsAt = e.StartsAt, EndsAt = e.EndsAt };
        e.Edit(current with { Title = "Renamed", Price = 99m, Capacity = 120 }, Seats(e), Now);
        Assert.Equal(0, e.CalendarSequence);
        e.Edit(current with { Title = "Renamed", Price = 99m, Capacity = 120, Venue = "Other Hall" }, Seats(e), Now);
        Assert.Equal(1, e.CalendarSequence);
        current = current with { Title = "Renamed", Price = 99m, Capacity = 120, Venue = "Other Hall" };
        e.Edit(current with { EndsAt = current.EndsAt.AddMinutes(30) }, Seats(e), Now);
        Assert.Equal(2, e.CalendarSequence);
        e.Cancel("Storm", Now);
        Assert.Equal(3, e.CalendarSequence);
        e.Cancel("Storm again", Now);
        Assert.Equal(3, e.CalendarSequence);
    }

    [Fact]
    public void An_edit_keeps_the_start_in_the_future_and_the_capacity_above_the_seats_taken()
    {
        var (e, input) = NewDraft();
        e.Publish(Now);
        var past = e.Edit(input with { StartsAt = Now.AddMinutes(-1) }, Seats(e), Now);
        Assert.Equal(["startsAt"], past.FieldErrors!.Keys);
        var tooSmall = e.Edit(input with { Capacity = 4 }, Seats(e, held: 2, sold: 3), Now);
        Assert.False(tooSmall.Changed);
        Assert.Contains("5 seats", Assert.Single(tooSmall.FieldErrors!["capacity"]), StringComparison.Ordinal);
        Assert.True(e.Edit(input with { Capacity = 5 }, Seats(e, held: 2, sold: 3), Now).Changed);
        Assert.Equal("invalid-state", e.Edit(input, Seats(e), Now.AddDays(3)).Error?.Code);
    }

    [Fact]
    public void Cancelling_tells_attendees_of_a_published_event_only_and_is_final()
    {
        var (draft, _) = NewDraft();
        var quiet = draft.Cancel("Not needed", Now);
        Assert.True(quiet.Changed);
        Assert.Null(quiet.Announcement);

        var (e, input) = NewDraft();
        e.Publish(Now);
        Assert.Equal("invalid-state", e.Cancel("Too late", Now.AddDays(3)).Error?.Code);
        var cancelled = e.Cancel("Storm", Now);
        Assert.Equal("Storm", Assert.IsType<Announcement.Cancelled>(cancelled.Announcement).Reason);
        Assert.Equal((EventStatus.Cancelled, Now, "Storm"), (e.Status, e.CancelledAt, e.CancellationReason));
        var again = e.Cancel("Again", Now);
        Assert.False(again.Changed);
        Assert.Null(again.Error);
        Assert.Equal("invalid-state", e.Edit(input, Seats(e), Now).Error?.Code);
        Assert.Equal("invalid-state", e.Publish(Now).Error?.Code);
    }

    [Fact]
    public void Only_an_event_without_held_or_sold_seats_is_deleted_and_only_by_its_organizer_or_an_admin()
    {
        var (e, _) = NewDraft();
        Assert.True(e.Delete(Seats(e)).Changed);
        Assert.Equal("has-sales", e.Delete(Seats(e, held: 1)).Error?.Code);
        Assert.Equal("has-sales", e.Delete(Seats(e, sold: 1)).Error?.Code);
        Assert.True(e.CanBeChangedBy(e.OrganizerId, isAdmin: false));
        Assert.False(e.CanBeChangedBy(Guid.CreateVersion7(), isAdmin: false));
        Assert.True(e.CanBeChangedBy(null, isAdmin: true));
    }

    [Fact]
    public void Inventory_refusals_keep_the_codes_bookings_api_reads()
    {
        Assert.Equal("sold-out", new PlaceHoldOutcome(PlaceHoldResult.SoldOut, null).Error?.Code);
        Assert.Equal("not-on-sale", new PlaceHoldOutcome(PlaceHoldResult.NotOnSale, null).Error?.Code);
        Assert.Equal("hold-conflict", new PlaceHoldOutcome(PlaceHoldResult.HoldIdConflict, null).Error?.Code);
        Assert.Equal("event-not-found", new PlaceHoldOutcome(PlaceHoldResult.EventNotFound, null).Error?.Code);
        Assert.Null(new PlaceHoldOutcome(PlaceHoldResult.Existing, null).Error);
        Assert.Equal("hold-expired", new ConfirmHoldOutcome(ConfirmHoldResult.Expired, null).Error?.Code);
        Assert.Equal("hold-released", new ConfirmHoldOutcome(ConfirmHoldResult.Released, null).Error?.Code);
        Assert.Equal("hold-not-found", new ConfirmHoldOutcome(ConfirmHoldResult.HoldNotFound, null).Error?.Code);
        Assert.Null(new ConfirmHoldOutcome(ConfirmHoldResult.Confirmed, null).Error);
        Assert.All(new[] { HoldErrors.SoldOut, HoldErrors.NotOnSale, HoldErrors.Expired, HoldErrors.Released, HoldErrors.HoldIdTaken },
            error => Assert.Equal(ErrorKind.Conflict, error.Kind));
    }

    [Fact]
    public void Hold_and_review_rules()
    {
        Assert.Empty(HoldRules.Validate(2, Now.AddMinutes(10), Now));
        Assert.Contains("quantity", HoldRules.Validate(0, Now.AddMinutes(10), Now).Keys);
        Assert.Contains("quantity", HoldRules.Validate(HoldRules.MaxQuantity + 1, Now.AddMinutes(10), Now).Keys);
        Assert.Contains("expiresAt", HoldRules.Validate(1, Now, Now).Keys);
        Assert.Contains("expiresAt", HoldRules.Validate(1, Now.AddDays(1), Now).Keys);
        Assert.Empty(ReviewRules.Validate(5, "Great"));
        Assert.Contains("rating", ReviewRules.Validate(0, "x").Keys);
        Assert.Contains("text", ReviewRules.Validate(3, " ").Keys);
        Assert.Contains("text", ReviewRules.Validate(3, new string('x', ReviewRules.MaxTextLength + 1)).Keys);
    }

    [Fact]
    public void Mongo_documents_round_trip_through_bson()
    {
        var (e, _) = NewDraft();
        e.Publish(Now);
        var document = EventDocument.From(e);
        document.Holds.Add(new HoldElement { Id = Guid.CreateVersion7(), Quantity = 2, Status = HoldStatus.Held, ExpiresAt = Now.AddMinutes(5), CreatedAt = Now });
        var bson = document.ToBsonDocument();
        Assert.Equal(BsonType.Binary, bson["_id"].BsonType);
        Assert.Equal(BsonType.DateTime, bson["startsAt"].BsonType);
        Assert.Equal(BsonType.Decimal128, bson["price"].BsonType);
        Assert.Equal(BsonType.DateTime, bson["holds"][0]["exp"].BsonType);
        Assert.True(bson["isBookable"].AsBoolean);
        Assert.Equal(BsonType.DateTime, bson["onSaleUntil"].BsonType);
        var back = BsonSerializer.Deserialize<EventDocument>(bson);
        Assert.Equal(e.Id, back.Id);
        Assert.Equal(e.StartsAt, back.StartsAt);
        Assert.Equal(Now, back.PublishedAt);
        Assert.Equal(e.StartsAt, back.OnSaleUntil);
        Assert.Null(back.CancelledAt);
        Assert.Equal(10.50m, back.ToEvent().Price);
        Assert.Equal(2, back.Holds[0].ToHold(e.Id).Quantity);

        e.Cancel("Storm", Now);
        Assert.Equal(1, BsonSerializer.Deserialize<EventDocument>(EventDocument.From(e).ToBsonDocument()).ToEvent().CalendarSequence);
        // A document written before the calendar sequence existed reads as revision 0.
        bson.Remove("calendarSequence");
        Assert.Equal(0, BsonSerializer.Deserialize<EventDocument>(bson).ToEvent().CalendarSequence);
    }

    [Fact]
    public void An_analytics_signal_round_trips_through_its_mongodb_document_with_and_without_its_optional_fields()
    {
        var full = new Signal(SignalKind.Purchase, Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Now, 3, 74.50m, "EUR",
            "jazz", Guid.CreateVersion7(), 7);
        var bson = SignalDocument.From(full).ToBsonDocument();
        Assert.Equal(BsonType.Binary, bson["e"].BsonType);
        Assert.Equal(BsonType.Decimal128, bson["a"].BsonType);
        Assert.Equal(full, BsonSerializer.Deserialize<SignalDocument>(bson).ToSignal());

        var bare = new Signal(SignalKind.Impression, null, null, null, Now);
        var bareBson = SignalDocument.From(bare).ToBsonDocument();
        Assert.Equal(BsonType.Null, bareBson["u"].BsonType); // the partial indexes select binary ids only
        Assert.Equal(bare, BsonSerializer.Deserialize<SignalDocument>(bareBson).ToSignal());
    }

    [Theory]
    [InlineData(null, null, null, "day", 31)]
    [InlineData("2027-02-28T12:00:00Z", null, null, "hour", 24)]
    [InlineData("2027-02-28T12:30:00Z", "2027-03-01T00:00:00Z", "day", "day", 1)]
    [InlineData("2027-01-01T00:00:00Z", null, "day", "day", 60)]
    public void An_analytics_window_defaults_to_30_days_and_counts_its_buckets(string? from, string? to, string? bucket, string expectedBucket, int points)
    {
        var (window, errors) = AnalyticsWindow.Parse(Parse(from), Parse(to), bucket, Now);
        Assert.Empty(errors);
        Assert.Equal(expectedBucket, window!.Bucket.ToString().ToLowerInvariant());
        Assert.Equal(points, window.BucketStarts().Count());
    }

    [Theory]
    [InlineData("2027-03-01T00:00:00Z", "2027-02-01T00:00:00Z", null, "to")]
    [InlineData(null, null, "week", "bucket")]
    [InlineData("2020-01-01T00:00:00Z", null, "hour", "bucket")]
    [InlineData("2020-01-01T00:00:00Z", null, null, "from")]
    public void An_analytics_window_refuses_what_it_cannot_draw(string? from, string? to, string? bucket, string field)
    {
        var (window, errors) = AnalyticsWindow.Parse(Parse(from), Parse(to), bucket, Now);
        Assert.Null(window);
        Assert.True(errors.ContainsKey(field), string.Join(", ", errors.Keys));
    }

    [Fact]
    public void An_analytics_window_without_a_start_begins_at_the_events_creation_when_that_is_later()
    {
        var created = Now.AddMinutes(-10);
        var (window, _) = AnalyticsWindow.Parse(null, null, null, Now, created);
        Assert.Equal((created, AnalyticsBucket.Hour, 1), (window!.From, window.Bucket, window.BucketStarts().Count()));
        Assert.Equal(Now.AddDays(-30), AnalyticsWindow.Parse(null, null, null, Now, Now.AddDays(-90)).Window!.From);
    }

    [Fact]
    public void The_funnel_rates_are_null_without_a_denominator()
    {
        Assert.Equal((null, null, null), (new Funnel(0, 0, 0).ViewToHold, new Funnel(0, 0, 0).HoldToPurchase, new Funnel(0, 0, 0).Conversion));
        var funnel = new Funnel(8, 4, 1);
        Assert.Equal((0.5, 0.25, 0.125), (funnel.ViewToHold!.Value, funnel.HoldToPurchase!.Value, funnel.Conversion!.Value));
    }

    private static DateTimeOffset? Parse(string? instant) => instant is null ? null : DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
}
