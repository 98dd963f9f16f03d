using System.Globalization;
using System.Text;
using EventBooking.AppHost;
using EventBooking.Testing;
using Npgsql;

namespace Load.Bench;

/// <summary>One catalog size's figures: varied list, search and filter reads under wrk.</summary>
public sealed record CatalogSize(int Events, double InsertSeconds, IReadOnlyList<BaselineResult> Reads);

/// <summary>
/// (e) The catalog at scale: published events are added straight into eventsdb beside what is there (the rows events-api's
/// own store writes: an event, its counters row, the stored search vector PostgreSQL computes), up to each size in turn, and
/// wrk sends varied reads at every size, so neither the page cache nor a lucky plan serves one hot query. The words, cities
/// and categories the reads pick from are the ones the generated events use.
/// </summary>
public static class CatalogAtScale
{
    private static readonly string[] Adjectives =
    [
        "golden", "silent", "electric", "midnight", "crimson", "velvet", "wild", "lunar", "northern", "burning", "hidden", "royal",
        "urban", "frozen", "bright", "cosmic", "gentle", "brave", "rusty", "hollow", "amber", "restless", "wandering", "distant",
        "secret", "endless", "savage", "quiet", "blue", "neon", "broken", "sacred", "little", "grand", "early", "late",
        "modern", "ancient", "young", "tender", "loud", "sweet", "bitter", "open", "shining", "falling", "rising", "lost",
    ];

    private static readonly string[] Nouns =
    [
        "harbour", "river", "garden", "orchestra", "quartet", "choir", "circus", "carnival", "parade", "market", "theatre", "ballet",
        "opera", "jazz", "blues", "tango", "fado", "salsa", "poetry", "comedy", "magic", "cinema", "lantern", "mountain",
        "ocean", "desert", "forest", "island", "city", "bridge", "tower", "castle", "meadow", "valley", "storm", "thunder",
        "summer", "winter", "autumn", "spring", "dawn", "dusk", "moon", "star", "sun", "fire", "water", "wind",
    ];

    private static readonly string[] Kinds = ["Concert", "Festival", "Night", "Live", "Tour", "Show", "Session", "Gala", "Recital", "Party", "Sessions", "Weekend"];

    private static readonly string[] Cities =
    [
        "Lisbon", "Porto", "Braga", "Coimbra", "Faro", "Madrid", "Barcelona", "Seville", "Valencia", "Bilbao", "Paris", "Lyon",
        "Marseille", "Bordeaux", "Berlin", "Hamburg", "Munich", "Cologne", "Vienna", "Zurich", "Geneva", "Milan", "Rome", "Naples",
        "Turin", "Amsterdam", "Rotterdam", "Brussels", "Antwerp", "London", "Manchester", "Glasgow", "Dublin", "Copenhagen",
        "Stockholm", "Oslo", "Helsinki", "Warsaw", "Krakow", "Prague", "Budapest", "Athens", "Bucharest", "Zagreb", "Ljubljana",
        "Tallinn", "Riga", "Vilnius", "Luxembourg", "Valletta",
    ];

    private static readonly string[] Categories = ["music", "theatre", "comedy", "sports", "conference", "workshop", "festival", "exhibition", "family", "food-drink"];

    /// <summary>Adds events up to each size and measures list, search and filter at it.</summary>
    public static async Task<List<CatalogSize>> RunAsync(SystemUnderTest system, Uri eventsBase, LoadOptions options, string workDirectory)
    {
        var connectionString = await system.ConnectionStringAsync(ResourceNames.EventsDb);
        var script = Path.Combine(workDirectory, "catalog-reads.lua");
        await File.WriteAllTextAsync(script, LuaScript());
        var sizes = new List<CatalogSize>();
        foreach (var size in options.CatalogSizes)
        {
            var (had, seconds) = await FillAsync(connectionString, size);
            Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] e: catalog of {size:N0} published events on sale ({size - had:N0} added in {seconds:0.0} s); load average {Machine.LoadAverage()}");
            var reads = new List<BaselineResult>();
            foreach (var kind in new[] { "list", "search", "filter" })
            {
                var url = new Uri(eventsBase, "/api/events");
                var name = string.Create(CultureInfo.InvariantCulture, $"{size:N0} events: varied {kind}");
                await Wrk.WarmUpAsync(url, options.WrkConnections, script, kind);
                reads.Add(await Wrk.RunAsync(name, url, options.WrkConnections, options.WrkDuration, script, kind));
            }

            sizes.Add(new CatalogSize(size, seconds, reads));
        }

        return sizes;
    }

    /// <summary>Adds published events on sale until there are <paramref name="size"/>; the count before, and how long it took.</summary>
    private static async Task<(long Had, double Seconds)> FillAsync(string connectionString, int size)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM events WHERE on_sale_until > now()", connection);
        var had = (long)(await count.ExecuteScalarAsync())!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Batches of 100,000: each one statement, so the generated search vectors and the indexes are built as the service's
        // own inserts would build them, without one transaction holding a million rows.
        for (var added = had; added < size; added += 100_000)
        {
            var batch = (int)Math.Min(100_000, size - added);
            await using var insert = new NpgsqlCommand(InsertSql, connection) { CommandTimeout = 900 };
            insert.Parameters.AddWithValue("n", batch);
            insert.Parameters.AddWithValue("seed", (int)(added % int.MaxValue));
            insert.Parameters.AddWithValue("adjectives", Adjectives);
            insert.Parameters.AddWithValue("nouns", Nouns);
            insert.Parameters.AddWithValue("kinds", Kinds);
            insert.Parameters.AddWithValue("cities", Cities);
            insert.Parameters.AddWithValue("categories", Categories);
            await insert.ExecuteNonQueryAsync();
        }

        // What autovacuum does soon after a bulk insert (its insert threshold is 20% of the table): statistics, and the
        // visibility map that lets index-only scans skip the heap. Measured without it, the reads would time the catch-up.
        foreach (var table in new[] { "events", "event_inventory" })
        {
            // One statement each: VACUUM cannot run inside the implicit transaction of a batch.
            await using var vacuum = new NpgsqlCommand($"VACUUM (ANALYZE) {table}", connection) { CommandTimeout = 900 };
            await vacuum.ExecuteNonQueryAsync();
        }
        return (had, clock.Elapsed.TotalSeconds);
    }

    // An event as CatalogEvent.Create and Publish leave it (status 1 = Published; is_bookable and on_sale_until as the model
    // writes them), starting 1 to 400 days from now, and its counters row with every seat available.
    private const string InsertSql = """
        WITH generated AS (
            SELECT gen_random_uuid() AS id, g,
                   (hashint4(g + @seed) & 2147483647) AS h1, (hashint4(g * 7 + @seed) & 2147483647) AS h2,
                   (hashint4(g * 13 + @seed) & 2147483647) AS h3
            FROM generate_series(1, @n) AS g
        ), shaped AS (
            SELECT id,
                   initcap(@adjectives[1 + h1 % cardinality(@adjectives)]) || ' ' || initcap(@nouns[1 + h2 % cardinality(@nouns)]) || ' '
                       || @kinds[1 + h3 % cardinality(@kinds)] AS title,
                   @cities[1 + (h1 / 7) % cardinality(@cities)] AS city,
                   @categories[1 + (h2 / 11) % cardinality(@categories)] AS category,
                   'The ' || initcap(@nouns[1 + (h3 / 5) % cardinality(@nouns)]) || ' Hall' AS venue,
                   date_trunc('minute', now()) + make_interval(days => 1 + h1 % 400, mins => (h2 % 96) * 15) AS starts_at,
                   10 + (h3 % 141) AS price
            FROM generated
        ), inserted AS (
            INSERT INTO events (id, organizer_id, title, description, venue, city, starts_at, ends_at, time_zone, category, capacity,
                                price, currency, status, image_url, created_at, updated_at, published_at, cancelled_at,
                                cancellation_reason, version, is_bookable, on_sale_until)
            SELECT id, '00000000-0000-7000-8000-00000000bec4', title,
                   'A ' || lower(title) || ' at ' || venue || ' in ' || city || '. Doors open an hour before the start.',
                   venue, city, starts_at, starts_at + interval '3 hours', 'Europe/Lisbon', category, 500,
                   price, 'EUR', 1, NULL, now(), now(), now(), NULL, NULL, 1, true, starts_at
            FROM shaped
            RETURNING id
        )
        INSERT INTO event_inventory (event_id, capacity, held, sold) SELECT id, 500, 0, 0 FROM inserted
        """;

    /// <summary>
    /// wrk's request generator: <c>list</c> pages 1–50 of the date-ordered catalog, two in three with a city or category;
    /// <c>search</c> two title words, pages 1–5, a city on half; <c>filter</c> a category, a price range and a city on half,
    /// sorted by price, with only events that have seats left.
    /// </summary>
    private static string LuaScript()
    {
        static string Table(IEnumerable<string> values) => "{" + string.Join(",", values.Select(v => "\"" + v + "\"")) + "}";
        var lua = new StringBuilder();
        lua.AppendLine("local adjectives = " + Table(Adjectives));
        lua.AppendLine("local nouns = " + Table(Nouns));
        lua.AppendLine("local cities = " + Table(Cities));
        lua.AppendLine("local categories = " + Table(Categories));
        lua.AppendLine("""
            local kind = "list"
            function init(args) kind = args[1] or "list"; math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end
            local function pick(t) return t[math.random(#t)] end
            request = function()
              local path
              if kind == "list" then
                path = "/api/events?pageSize=20&page=" .. math.random(50)
                local r = math.random(3)
                if r == 1 then path = path .. "&city=" .. pick(cities) elseif r == 2 then path = path .. "&category=" .. pick(categories) end
              elseif kind == "search" then
                path = "/api/events?pageSize=20&q=" .. pick(adjectives) .. "+" .. pick(nouns) .. "&page=" .. math.random(5)
                if math.random(2) == 1 then path = path .. "&city=" .. pick(cities) end
              else
                local low = 10 + math.random(0, 100)
                path = "/api/events?pageSize=20&sort=price&onlyAvailable=true&category=" .. pick(categories)
                  .. "&minPrice=" .. low .. "&maxPrice=" .. (low + 40) .. "&page=" .. math.random(5)
                if math.random(2) == 1 then path = path .. "&city=" .. pick(cities) end
              end
              return wrk.format("GET", path)
            end
            """);
        return lua.ToString();
    }
}
