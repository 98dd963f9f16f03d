using Events.Api.Infrastructure;
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

    [Fact]
    public void Life_cycle_rules()
    {
        var (input, _) = EventValidation.Validate(Valid(), Now, isNew: true);
        var e = CatalogEvent.Create(Guid.CreateVersion7(), input!, Now);
        Assert.Equal(EventStatus.Draft, e.Status);
        Assert.Null(e.CannotPublishReason(Now));
        Assert.NotNull(e.CannotPublishReason(Now.AddDays(2)));
        e.Status = EventStatus.Published;
        Assert.True(e.IsOnSale(Now));
        Assert.False(e.IsOnSale(Now.AddDays(1)));
        Assert.Equal(EventStatus.Completed, e.EffectiveStatus(Now.AddDays(3)));
        Assert.NotNull(e.CannotCancelReason(Now.AddDays(3)));
        Assert.Null(e.CannotCancelReason(Now));
        var moved = e.Apply(input! with { StartsAt = input!.StartsAt.AddDays(1), EndsAt = input.EndsAt.AddDays(1), Title = "New" }, Now);
        Assert.Equal(["startsAt", "endsAt"], moved);
        Assert.Empty(e.Apply(input! with { StartsAt = e.StartsAt, EndsAt = e.EndsAt, Title = "Only the title" }, Now));
        e.Status = EventStatus.Cancelled;
        Assert.NotNull(e.CannotEditReason(Now));
        Assert.NotNull(e.CannotPublishReason(Now));
        Assert.True(e.CanBeChangedBy(e.OrganizerId, isAdmin: false));
        Assert.False(e.CanBeChangedBy(Guid.CreateVersion7(), isAdmin: false));
        Assert.True(e.CanBeChangedBy(null, isAdmin: true));
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
        var (input, _) = EventValidation.Validate(Valid(), Now, isNew: true);
        var e = CatalogEvent.Create(Guid.CreateVersion7(), input!, Now);
        e.PublishedAt = Now;
        var document = EventDocument.From(e);
        document.Holds.Add(new HoldElement { Id = Guid.CreateVersion7(), Quantity = 2, Status = HoldStatus.Held, ExpiresAt = Now.AddMinutes(5), CreatedAt = Now });
        var bson = document.ToBsonDocument();
        Assert.Equal(BsonType.Binary, bson["_id"].BsonType);
        Assert.Equal(BsonType.DateTime, bson["startsAt"].BsonType);
        Assert.Equal(BsonType.Decimal128, bson["price"].BsonType);
        Assert.Equal(BsonType.DateTime, bson["holds"][0]["exp"].BsonType);
        var back = BsonSerializer.Deserialize<EventDocument>(bson);
        Assert.Equal(e.Id, back.Id);
        Assert.Equal(e.StartsAt, back.StartsAt);
        Assert.Equal(Now, back.PublishedAt);
        Assert.Null(back.CancelledAt);
        Assert.Equal(10.50m, back.ToEvent().Price);
        Assert.Equal(2, back.Holds[0].ToHold(e.Id).Quantity);
    }
}
