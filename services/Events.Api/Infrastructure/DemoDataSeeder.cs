using Events.Api.Model;
using Events.Api.Seating;
using MongoDB.Driver;
using Npgsql;

namespace Events.Api.Infrastructure;

/// <summary>
/// Outside Production, when asked (<c>EventBooking:SeedDemoData</c>): a handful of published upcoming events owned by the demo
/// organizer, so the web app is not empty, one of them (the theatre) on a venue plan of reserved seats with a standing lawn.
/// Fixed ids make it idempotent across restarts and replicas. Registered after the migration, so it runs on an up-to-date schema.
/// </summary>
public sealed partial class DemoDataSeeder(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment,
    TimeProvider time, ILogger<DemoDataSeeder> logger) : IHostedService
{
    private static readonly (string Title, string Description, string Venue, string City, string TimeZone, string Category, int Days, int Hours, int Capacity, decimal Price, string Currency, string Image)[] Samples =
    [
        ("Nordic Lights Jazz Night", "An evening of Scandinavian jazz with the Oslo Quartet and special guests.", "Blue Note Hall", "Oslo", "Europe/Oslo", "music", 14, 3, 250, 45m, "NOK", "https://images.unsplash.com/photo-1511192336575-5a79af67a629"),
        ("Cloud Native Summit", "Two tracks of talks on distributed systems, observability and .NET on containers.", "Congress Center", "Berlin", "Europe/Berlin", "conference", 30, 9, 800, 199m, "EUR", "https://images.unsplash.com/photo-1540575467063-178a50c2df87"),
        ("Hamlet — Open Air", "Shakespeare's tragedy under the summer sky, by the Riverside Players.", "Riverside Amphitheatre", "London", "Europe/London", "theatre", 21, 3, 400, 28.5m, "GBP", "https://images.unsplash.com/photo-1503095396549-807759245b35"),
        ("Stand-up Saturday", "Five comedians, one microphone, no mercy.", "The Laughing Cellar", "Dublin", "Europe/Dublin", "comedy", 7, 2, 120, 18m, "EUR", "https://images.unsplash.com/photo-1527224857830-43a7acc85260"),
        ("City Marathon 2027", "42.195 km through the old town and along the river. Timing chip included.", "Town Hall Square", "Vienna", "Europe/Vienna", "sports", 60, 5, 5000, 65m, "EUR", "https://images.unsplash.com/photo-1452626038306-9aae5e071dd3"),
        ("Sourdough from Scratch", "A hands-on baking workshop: starter, dough, shaping and baking. Take your loaf home.", "Flour & Fire Studio", "San Francisco", "America/Los_Angeles", "workshop", 10, 4, 16, 85m, "USD", "https://images.unsplash.com/photo-1509440159596-0249088772ff"),
        ("Harbour Food Festival", "Forty stalls of street food, craft beer and live music by the water.", "Harbour Front", "Copenhagen", "Europe/Copenhagen", "food-drink", 45, 6, 2000, 0m, "DKK", "https://images.unsplash.com/photo-1555939594-58d7cb561ad1"),
        ("Dinosaurs Alive! Family Day", "Life-size animatronic dinosaurs, fossil digs and a junior palaeontologist badge.", "Natural History Museum", "New York", "America/New_York", "family", 20, 6, 600, 24m, "USD", "https://images.unsplash.com/photo-1519880856348-763a8b40aa79"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.ShouldSeed(environment))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ICatalogStore>();
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(18);
        var seeded = 0;
        for (var i = 0; i < Samples.Length; i++)
        {
            var s = Samples[i];
            var id = Guid.Parse($"0193a000-0000-7000-8000-1000000000{i:D2}");
            if (await store.GetAsync(id, cancellationToken) is not null)
            {
                continue;
            }

            var startsAt = start.AddDays(s.Days);
            var item = CatalogEvent.Create(DemoData.OrganizerId,
                new EventInput(s.Title, s.Description, s.Venue, s.City, startsAt, startsAt.AddHours(s.Hours), s.TimeZone, s.Category,
                    s.Capacity, s.Price, s.Currency, s.Image), now);
            item.Id = id;
            item.Publish(now);
            try
            {
                await store.CreateAsync(item, cancellationToken);
                seeded++;
            }
            catch (Exception ex) when (IsDuplicate(ex))
            {
                // Another replica seeded it first.
            }
        }

        LogSeeded(logger, seeded);
        await SeatTheatreAsync(scope.ServiceProvider, store, now, cancellationToken);
    }

    /// <summary>
    /// Puts the demo theatre event on the Riverside Amphitheatre's plan: 12 curved rows of 24 seats in three price zones (a
    /// wheelchair space and a companion seat at each end of the last row) and a standing lawn of 112, so 400 places as before.
    /// Skipped where there is no seating (the MongoDB configuration) and once the event is on the plan or has sales.
    /// </summary>
    private static async Task SeatTheatreAsync(IServiceProvider services, ICatalogStore catalog, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var eventId = Guid.Parse($"0193a000-0000-7000-8000-1000000000{TheatreSample:D2}");
        if (services.GetService<SeatingStore>() is not { } seating || await seating.GetSeatMapAsync(eventId, cancellationToken) is not null
            || await catalog.GetAsync(eventId, cancellationToken) is not { } theatre)
        {
            return;
        }

        var plan = await seating.GetPlanAsync(TheatrePlanId, cancellationToken);
        if (plan is null)
        {
            var (content, errors) = PlanRules.Validate(PlanDocument.From(TheatrePlan()));
            if (content is null)
            {
                throw new InvalidOperationException("The demo plan is invalid: " + string.Join("; ", errors.SelectMany(e => e.Value)));
            }

            plan = new VenuePlan(TheatrePlanId, DemoData.OrganizerId, content, 1, now, now);
            try
            {
                await seating.CreatePlanAsync(plan, cancellationToken);
            }
            catch (Exception ex) when (IsDuplicate(ex))
            {
                // Another replica created it first.
            }
        }

        var types = await services.GetRequiredService<ITicketTypeStore>().ListAsync(eventId, cancellationToken);
        var prices = new SeatingPriceRequest[]
        {
            new("front", null, null, null, 45m), new("stalls", null, null, null, 28.5m), new("rear", null, null, null, 18m),
            new(null, "lawn", null, null, 12m),
        };
        var (seated, refused) = EventSeatingRules.Resolve(theatre.Event, plan, types, new EventSeatingRequest(TheatrePlanId, prices), now);
        if (seated is null)
        {
            throw new InvalidOperationException("The demo theatre cannot go on its plan: " + string.Join("; ", refused.SelectMany(e => e.Value)));
        }

        await seating.ApplyAsync(seated, now, cancellationToken);
    }

    private const int TheatreSample = 2;

    private static readonly Guid TheatrePlanId = Guid.Parse("0193a000-0000-7000-8000-200000000000");

    private static PlanContent TheatrePlan()
    {
        var seats = PlanEditing.Generate(new PlanEditing.GridSpec("amphi", Rows: 12, SeatsPerRow: 24, FirstRow: "A", FirstNumber: 1,
            SeatNumbering.LeftToRight, RowLayout.Curved, "stalls", OriginX: 0, OriginY: 0, PlanEditing.DefaultSeatSpacing,
            PlanEditing.DefaultRowSpacing, PlanEditing.DefaultArcDegrees, RankStart: 1));
        var zoned = seats.Select(seat => seat with
        {
            Category = seat.Row is "A" or "B" or "C" ? "front" : seat.Row is "J" or "K" or "L" ? "rear" : "stalls",
            Flags = seat.Row != "L" ? SeatFlags.None
                : seat.Number is "1" or "24" ? SeatFlags.Wheelchair
                : seat.Number is "2" or "23" ? SeatFlags.Companion
                : SeatFlags.None,
        }).ToList();
        return new PlanContent("Riverside Amphitheatre",
            [new PlanCategory("front", "Front stalls", "#b22222"), new PlanCategory("stalls", "Stalls", "#1f6feb"), new PlanCategory("rear", "Rear stalls", "#2e7d32")],
            [new PlanArea("amphi", "Amphitheatre", AreaKind.Reserved, null, zoned), new PlanArea("lawn", "Lawn (standing)", AreaKind.GeneralAdmission, 112, [])]);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool IsDuplicate(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        MongoWriteException { WriteError.Category: ServerErrorCategory.DuplicateKey } => true,
        _ => ex.InnerException is not null && IsDuplicate(ex.InnerException),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} demo events")]
    private static partial void LogSeeded(ILogger logger, int count);
}
