using System.Text.RegularExpressions;
using EventBooking.Testing;
using Events.Api.Infrastructure;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// The catalog's reads on PostgreSQL, each planned by <see cref="QueryPlans"/>: every filter the API offers, every sort, an
/// event and an organizer's list are served by an index, so the catalog's cost does not grow with the number of events.
/// </summary>
public sealed partial class CatalogQueryPlanTests(PostgresFixture postgres) : StoreContract(new PostgresStores(postgres, "events_query_plans", planned: true))
{
    private QueryPlans Plans => ((PostgresStores)Backend).Plans!;

    [Fact]
    public async Task Every_search_filter_and_sort_an_event_and_an_organizers_list_use_an_index()
    {
        var organizer = Guid.CreateVersion7();
        var e = await CreateAsync(NewEvent(title: "Harbour jazz night", city: "Porto", category: "music", organizerId: organizer));
        await ((PostgresStores)Backend).VacuumAsync("events", Ct);
        Plans.Watch();

        var queries = new List<EventQuery>
        {
            new(),
            new() { Text = "jazz" },
            new() { Text = "jazz", Sort = EventSort.Relevance },
            new() { City = "Porto" },
            new() { Category = "music" },
            new() { Venue = "Coliseu" },
            new() { From = Now, To = Now.AddDays(30) },
            new() { MinPrice = 10m, MaxPrice = 30m },
            new() { OnlyAvailable = true },
            new() { Sort = EventSort.Price },
            new() { Sort = EventSort.PriceDescending },
            new() { Category = "music", Sort = EventSort.PriceDescending },
            new() { Category = "music", Sort = EventSort.Price, MinPrice = 10m, OnlyAvailable = true },
            new() { City = "Porto", Category = "music", Page = 3 },
        };
        foreach (var query in queries)
        {
            await Catalog().SearchAsync(query, Now, Ct);
        }

        Assert.NotNull(await Catalog().GetAsync(e.Id, Ct));
        await Catalog().ListByOrganizerAsync(organizer, new PageQuery(null, null), Ct);

        var plans = Plans.All;
        Assert.Contains(plans, p => p.Sql.Contains("FROM events", StringComparison.Ordinal));
        var scans = Plans.Scans();
        Assert.True(scans.Count == 0, $"{scans.Count} of {plans.Count} queries scan a whole table:\n\n" + string.Join("\n\n", scans));

        // The walks of the matches in page order read the index alone, not the event rows (one buffer each at a million events),
        // but for the text and venue searches, whose GIN indexes hold no order.
        var walks = plans.Where(p => Walk().IsMatch(p.Sql)
            && !p.Sql.Contains("search_vector", StringComparison.Ordinal) && !p.Sql.Contains("ILIKE", StringComparison.Ordinal)).ToList();
        Assert.True(walks.Count >= 8, $"{walks.Count} walks planned:\n\n" + string.Join("\n\n", plans.Select(p => p.Sql)));
        var reading = walks.Where(p => !p.Plan.Contains("Index Only Scan", StringComparison.Ordinal)
            || p.Plan.Split('\n').Any(line => line.Contains(" on events e", StringComparison.Ordinal) && !line.Contains("Index Only Scan", StringComparison.Ordinal))).ToList();
        Assert.True(reading.Count == 0, $"{reading.Count} of {walks.Count} walks read the event rows:\n\n" + string.Join("\n\n", reading.Select(p => p.Sql + "\n" + p.Plan)));
    }

    [GeneratedRegex(@"^SELECT e\.id\s+FROM events")]
    private static partial Regex Walk();
}
