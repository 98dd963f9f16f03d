using System.Globalization;
using System.Text;

namespace Load.Bench;

/// <summary>Everything one run measured.</summary>
public sealed class RunResults
{
    public required LoadOptions Options { get; init; }
    public required DateTime StartedAt { get; init; }
    public string StartLoadAverage { get; init; } = Machine.LoadAverage();
    public List<ScenarioRun> Scenarios { get; } = [];
    public List<BaselineResult> PgBench { get; } = [];
    public List<BaselineResult> Catalog { get; } = [];
    public BaselineResult? Json { get; set; }
    public List<CatalogSize> CatalogScale { get; } = [];
    public NotificationLag? Lag { get; set; }
    public WebhookFigures? Webhooks { get; set; }
    public WaitingRoomFigures? WaitingRoom { get; set; }
    public SeatedHallFigures? SeatedHall { get; set; }
    public InvariantReport? Invariants { get; set; }
    public List<string> Notes { get; } = [];

    /// <summary>The environment the services were started with on top of their appsettings (the report lists it).</summary>
    public IReadOnlyDictionary<string, string?> ServiceEnvironment { get; init; } = new Dictionary<string, string?>();
    /// <summary>The runtime settings the APIs ran with (<see cref="EventBooking.Bench.ServiceBuild.RuntimeSettings"/>).</summary>
    public IReadOnlyList<string> RuntimeSettings { get; set; } = [];

    public ScenarioRun? Scenario(string name) => Scenarios.FirstOrDefault(s => s.Name == name);
    public BaselineResult? Baseline(string name) => PgBench.FirstOrDefault(b => b.Name == name);
}

/// <summary>The Markdown report and the PNG plots under bench/results/.</summary>
public static class Report
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static async Task<string> WriteAsync(RunResults results, string directory)
    {
        Directory.CreateDirectory(directory);
        var stamp = results.StartedAt.ToString("yyyyMMdd-HHmmss", C);
        var plots = new List<string>();
        foreach (var scenario in results.Scenarios)
        {
            plots.AddRange(Plots.Write(scenario, directory, stamp));
        }

        var markdown = Render(results, plots);
        var path = Path.Combine(directory, $"{stamp}.md");
        await File.WriteAllTextAsync(path, markdown);
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.md"), markdown);
        await History.AppendAsync(Path.Combine(directory, History.FileName), stamp, results, ProductFigures(results));
        return path;
    }

    private static string Render(RunResults r, IReadOnlyList<string> plots)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        Line($"# EventBooking load benchmark — {r.StartedAt:yyyy-MM-dd HH:mm} UTC{(r.Options.Quick ? " (--quick)" : "")}");
        Line();
        Line($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, services built in {EventBooking.Bench.ServiceBuild.Own}, one replica each; " +
             $"load average (1/5/15 min) at start {r.StartLoadAverage}. Every figure carries the load average when it was taken: " +
             "on a shared machine compare rows of one run, not runs.");
        Line();
        Line("Service settings: the Staging environment (their appsettings.json; no appsettings.Development.json, no developer exception page, no DI scope validation; the demo data, which Production never seeds), plus " +
             string.Join(", ", r.ServiceEnvironment.Select(e => e.Key.EndsWith("Key", StringComparison.Ordinal) ? $"`{e.Key}` (random, per run)" : $"`{e.Key}={e.Value}`")) + ". The dashboard does not run and no OTLP endpoint is set, so " +
             "the services record no traces, metrics or log records at all (ServiceDefaults sets `OTEL_SDK_DISABLED` when nothing " +
             "could receive them); log lines at Warning and above go to the orchestrator's console log.");
        Line();
        Line("The runtime's settings in the APIs (their runtimeconfig.json's GC and JIT-tier properties, then the `DOTNET_` variables " +
             "in their environment, which win): " + (r.RuntimeSettings.Count == 0 ? "none beyond the defaults" : string.Join(", ", r.RuntimeSettings.Select(s => $"`{s}`"))) + ".");
        Line();

        Line("## Product beside its baseline");
        Line();
        Line("| product figure | value | baseline | value | ratio | target |");
        Line("|---|---:|---|---:|---:|---|");
        foreach (var f in ProductFigures(r))
        {
            Line($"| {f.Figure} | {f.Value} | {f.Baseline} | {f.BaselineValue} | {f.Ratio} | {f.Target} |");
        }

        Line();
        foreach (var scenario in r.Scenarios)
        {
            Line($"## {scenario.Name} ({scenario.Model}, {scenario.Duration.TotalSeconds:0.0} s, load average {scenario.LoadAverage})");
            Line();
            Line("| step | ok | per second | p50 ms | p90 ms | p99 ms | max ms | errors |");
            Line("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var s in scenario.Steps)
            {
                var errors = s.Errors.Count == 0 ? "" : string.Join(", ", s.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value}"));
                Line(string.Create(C, $"| {s.Step} | {s.Ok} | {s.PerSecond:0.0} | {s.P50:0.0} | {s.P90:0.0} | {s.P99:0.0} | {s.Max:0.0} | {errors} |"));
            }

            Line();
            if (scenario.CpuSeconds.Count > 0)
            {
                var confirmedCount = Math.Max(1, scenario.Step(Journey.Confirmed).Ok);
                var cpu = scenario.CpuSeconds.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).ToList();
                Line("CPU per confirmed booking (ms, user + system, from /proc): " + string.Join(", ",
                    cpu.Select(kv => string.Create(C, $"{kv.Key} {kv.Value * 1000 / confirmedCount:0.0}")))
                    + string.Create(C, $"; total {cpu.Sum(kv => kv.Value) * 1000 / confirmedCount:0.0} ms, of which the APIs' background JIT (tiered compilation threads) at least {scenario.BackgroundJitSeconds * 1000 / confirmedCount:0.0} ms."));
                Line();
            }

            if (scenario.Statements.Count > 0 && scenario.Step(Journey.Confirmed).Ok > 0)
            {
                double confirmedCount = scenario.Step(Journey.Confirmed).Ok;
                var byDatabase = scenario.Statements.GroupBy(s => s.Database).OrderByDescending(g => g.Sum(s => s.Calls)).ToList();
                Line(string.Create(C, $"SQL statements per confirmed booking (pg_stat_statements): {scenario.Statements.Sum(s => s.Calls) / confirmedCount:0.0} — ")
                    + string.Join(", ", byDatabase.Select(g => string.Create(C, $"{g.Key} {g.Sum(s => s.Calls) / confirmedCount:0.0}"))) + ".");
                Line();
                if (scenario == r.Scenarios.First(s => s.Statements.Count > 0))
                {
                    Line("<details><summary>Statements per confirmed booking, most frequent first</summary>");
                    Line();
                    Line("| database | per booking | ms per booking | statement |");
                    Line("|---|---:|---:|---|");
                    foreach (var statement in scenario.Statements.OrderByDescending(s => s.Calls).Take(25))
                    {
                        var text = System.Text.RegularExpressions.Regex.Replace(statement.Query, @"\s+", " ");
                        text = (text.Length > 140 ? text[..140] + "…" : text).Replace("|", "\\|", StringComparison.Ordinal);
                        Line(string.Create(C, $"| {statement.Database} | {statement.Calls / confirmedCount:0.00} | {statement.TotalMilliseconds / confirmedCount:0.00} | `{text}` |"));
                    }

                    Line();
                    Line("</details>");
                    Line();
                }
            }

            foreach (var plot in plots.Where(p => p.Contains(Plots.Slug(scenario.Name), StringComparison.Ordinal)))
            {
                Line($"![{Path.GetFileNameWithoutExtension(plot)}]({Path.GetFileName(plot)})");
            }

            Line();
        }

        if (r.SeatedHall is { } hall)
        {
            SeatedHallBench.Write(text => Line(text), hall, r.Scenario("a: hot event, closed"));
        }

        if (r.Catalog.Count > 0 || r.Json is not null)
        {
            Line($"## (c) catalog reads and the plain JSON endpoint (wrk, 2 threads, {r.Options.WrkConnections} connections, {r.Options.WrkDuration.TotalSeconds:0} s each)");
            Line();
            Baselines(md, r.Json is null ? r.Catalog : [.. r.Catalog, r.Json], "requests/s");
        }

        if (r.CatalogScale.Count > 0)
        {
            Line($"## (e) catalog at scale (wrk, 2 threads, {r.Options.WrkConnections} connections, {r.Options.WrkDuration.TotalSeconds:0} s each; varied queries)");
            Line();
            Line("Published events on sale, generated into eventsdb up to each size. *list*: pages 1–50 by date, two in three with a city " +
                "or category; *search*: two title words, pages 1–5, a city on half; *filter*: category, price range, only available, " +
                "by price, pages 1–5, a city on half.");
            Line();
            foreach (var size in r.CatalogScale)
            {
                Line(string.Create(C, $"{size.Events:N0} events ({size.InsertSeconds:0} s to generate):"));
                Line();
                Baselines(md, size.Reads, "requests/s");
            }
        }

        if (r.Lag is { } d)
        {
            Line($"## (d) notification lag ({r.Options.NotificationRate} bookings/s for {r.Options.NotificationDuration.TotalSeconds:0} s, load average {d.LoadAverage})");
            Line();
            Line($"{d.Bookings} confirmed bookings; {d.Stored} notifications stored, {d.Emailed} emails accepted. Commit time = the booking's `ConfirmedAt`.");
            Line();
            Line("| from confirmation commit to | p50 ms | p90 ms | p99 ms | max ms |");
            Line("|---|---:|---:|---:|---:|");
            foreach (var (name, values) in new[] { ("notification stored", d.StoredMs), ("email accepted by SMTP", d.EmailedMs) })
            {
                Line(string.Create(C, $"| {name} | {Notifications.Percentile(values, 0.5):0} | {Notifications.Percentile(values, 0.9):0} | {Notifications.Percentile(values, 0.99):0} | {(values.Length == 0 ? double.NaN : values[^1]):0} |"));
            }

            Line();
        }

        if (r.WaitingRoom is { } q)
        {
            WaitingRoomBench.Write(text => Line(text), q);
        }

        if (r.Webhooks is { } w)
        {
            Line($"## (w) webhook lag ({r.Options.NotificationRate} bookings/s for {r.Options.NotificationDuration.TotalSeconds:0} s, a healthy receiver on 127.0.0.1, load average {w.LoadAverage})");
            Line();
            Line($"{w.Bookings} confirmed bookings; {w.Delivered} `booking.confirmed` webhooks received. From the booking's `confirmedAt` to the receiver:");
            Line();
            Line("| p50 ms | p90 ms | p99 ms | max ms |");
            Line("|---:|---:|---:|---:|");
            Line(string.Create(C, $"| {Notifications.Percentile(w.LagMs, 0.5):0} | {Notifications.Percentile(w.LagMs, 0.9):0} | {Notifications.Percentile(w.LagMs, 0.99):0} | {(w.LagMs.Length == 0 ? double.NaN : w.LagMs[^1]):0} |"));
            Line();
            Line(string.Create(C, $"Closed rush, {r.Options.WebhookUsers} users: {w.Without.ConfirmedPerSecond:0.0} confirmed/s without a webhook endpoint, {w.SlowReceiver.ConfirmedPerSecond:0.0}/s with an endpoint whose receiver answers in 5 s (ratio {w.SlowReceiver.ConfirmedPerSecond / Math.Max(0.001, w.Without.ConfirmedPerSecond):0.00}; load averages {w.Without.LoadAverage} and {w.SlowReceiver.LoadAverage}). Their per-step tables are above."));
            Line();
        }

        if (r.PgBench.Count > 0)
        {
            Line($"## Baselines: one booking as bare SQL (pgbench, -j 2, {r.Options.PgBenchDuration.TotalSeconds:0} s each)");
            Line();
            Line("`UPDATE inventory SET sold = sold + 1 WHERE event_id = :e AND capacity - held - sold >= 1; INSERT booking; INSERT ticket` in one " +
                 "transaction; the advisory-lock variant takes `pg_advisory_xact_lock(:e)` first. Hot = one row; spread = 1,000 rows.");
            Line();
            Baselines(md, r.PgBench, "bookings/s");
        }

        if (r.Invariants is { } inv)
        {
            Line("## Invariants after the run");
            Line();
            Line($"Read from eventsdb and bookingsdb {inv.SettledAfter.TotalSeconds:0} s after the load ended (polled until they held, at most {r.Options.InvariantSettle.TotalSeconds:0} s: " +
                 "a paid booking whose confirmation failed is finished by bookings-api's reconciler).");
            Line();
            Line($"- I1 (held + sold ≤ capacity): {inv.Events} events, {inv.I1Violations} violations — **{(inv.I1Violations == 0 ? "holds" : "BROKEN")}**");
            Line($"- I2 (every confirmed booking has its tickets): {inv.ConfirmedBookings} confirmed bookings, {inv.BookingsWithoutAllTickets} without all their tickets — **{(inv.BookingsWithoutAllTickets == 0 ? "holds" : "BROKEN")}**");
            Line($"- I2 (sold == tickets): events-api sold {inv.SoldInEventsApi}, valid tickets {inv.ValidTickets}, {inv.EventsWhereSoldDiffers} events differ — **{(inv.EventsWhereSoldDiffers == 0 ? "holds" : "BROKEN")}**");
            Line($"- The sold-out set matches the counters (the catalog's \"only available\"): {inv.SoldOutSetDiffers} events differ — **{(inv.SoldOutSetDiffers == 0 ? "holds" : "BROKEN")}**");
            Line();
        }

        foreach (var note in r.Notes)
        {
            Line($"- {note}");
        }

        return md.ToString();
    }

    /// <summary>The product figures of a run, each beside its baseline or target (the report's first table and history.csv's rows).</summary>
    public static List<ProductFigure> ProductFigures(RunResults r)
    {
        var figures = new List<ProductFigure>();
        void Ratio(string product, double? value, string baseline, double? baselineValue, string target)
        {
            if (value is not null && baselineValue is not null)
            {
                figures.Add(new ProductFigure(product, string.Create(C, $"{value:0}"), baseline, string.Create(C, $"{baselineValue:0}"),
                    string.Create(C, $"{value / baselineValue:0.00}"), target));
            }
        }

        var hot = r.Scenario("a: hot event, closed");
        var hotOpen = r.Scenario("a: hot event, open");
        var spread = r.Scenario("b: 1,000 events, closed");
        foreach (var clients in r.Options.PgBenchClients)
        {
            Ratio("(a) hot event: confirmed bookings/s, 256 buyers", hot?.ConfirmedPerSecond, $"pgbench hot row, {clients} clients", r.Baseline($"hot row, {clients} clients")?.PerSecond,
                "≥ 1 (≥ the naive pgbench figure)");
            Ratio("(a) hot event: confirmed bookings/s, 256 buyers", hot?.ConfirmedPerSecond, $"advisory lock per event, {clients} clients",
                r.Baseline($"advisory lock, hot row, {clients} clients")?.PerSecond, "");
        }

        foreach (var clients in r.Options.PgBenchClients)
        {
            Ratio("(b) 1,000 events: confirmed bookings/s, 256 users", spread?.ConfirmedPerSecond, $"pgbench spread rows, {clients} clients",
                r.Baseline($"spread rows, {clients} clients")?.PerSecond, "");
        }

        if (r.SeatedHall is { } seated)
        {
            var seatsPerSecond = string.Create(C, $"{seated.SeatsPerSecond:0.0}");
            if (hot is null)
            {
                figures.Add(new ProductFigure("(s) seated hall: confirmed seats/s, 256 buyers' parties", seatsPerSecond, "(a) not run", "", "", "≥ 0.5 of (a)"));
            }
            else
            {
                var ratio = seated.SeatsPerSecond / Math.Max(0.001, hot.ConfirmedPerSecond);
                figures.Add(new ProductFigure("(s) seated hall: confirmed seats/s, 256 buyers' parties", seatsPerSecond, "(a) hot event, general admission: confirmed tickets/s",
                    string.Create(C, $"{hot.ConfirmedPerSecond:0.0}"), string.Create(C, $"{ratio:0.00}"), $"≥ 0.5: {(ratio >= 0.5 ? "met" : "missed")}"));
            }
        }

        if (hotOpen is not null)
        {
            var book = hotOpen.Step(Journey.Book).P99;
            var confirmed = hotOpen.Step(Journey.Confirmed).P99;
            figures.Add(new ProductFigure(string.Create(C, $"(a) hot event, {r.Options.OpenRate}/s offered: book p99 (from intended start)"), string.Create(C, $"{book:0.0} ms"),
                "target", "100 ms", string.Create(C, $"{book / 100:0.00}"), $"p99 < 100 ms: {(book < 100 ? "met" : "missed")}"));
            figures.Add(new ProductFigure(string.Create(C, $"(a) hot event, {r.Options.OpenRate}/s offered: purchase p99 (book + pay)"), string.Create(C, $"{confirmed:0.0} ms"),
                "target", "100 ms", string.Create(C, $"{confirmed / 100:0.00}"), ""));
            if (hotOpen.Steps.FirstOrDefault(s => s.Step == Journey.Refused) is { Ok: > 0 } refused)
            {
                figures.Add(new ProductFigure(string.Create(C, $"(a) hot event, {r.Options.OpenRate}/s offered: refused (503) p99, {refused.Ok} refusals"),
                    string.Create(C, $"{refused.P99:0.0} ms"), "target", "50 ms", string.Create(C, $"{refused.P99 / 50:0.00}"),
                    $"p99 < 50 ms: {(refused.P99 < 50 ? "met" : "missed")}"));
            }
        }

        foreach (var read in r.Catalog)
        {
            Ratio($"(c) {read.Name}: requests/s (wrk)", read.PerSecond, "plain minimal-API JSON (wrk)", r.Json?.PerSecond, "≥ 0.5");
        }

        if (r.CatalogScale.Count > 0)
        {
            var smallest = r.CatalogScale[0];
            foreach (var size in r.CatalogScale)
            {
                foreach (var read in size.Reads)
                {
                    var kind = read.Name[(read.Name.IndexOf(':', StringComparison.Ordinal) + 2)..];
                    var met = read.PerSecond >= 2000 && read.P99 < 50;
                    figures.Add(new ProductFigure(string.Create(C, $"(e) {read.Name}: requests/s, p99"), string.Create(C, $"{read.PerSecond:0}, {read.P99:0.0} ms"),
                        "target", "2,000, 50 ms", string.Create(C, $"{read.PerSecond / 2000:0.00}"), $"≥ 2,000/s, p99 < 50 ms: {(met ? "met" : "missed")}"));
                    if (size != smallest && smallest.Reads.FirstOrDefault(b => b.Name.EndsWith(kind, StringComparison.Ordinal)) is { } small)
                    {
                        var ratio = read.PerSecond / small.PerSecond;
                        figures.Add(new ProductFigure(string.Create(C, $"(e) {kind}: throughput at {size.Events:N0} vs {smallest.Events:N0} events"), string.Create(C, $"{read.PerSecond:0}"),
                            small.Name, string.Create(C, $"{small.PerSecond:0}"), string.Create(C, $"{ratio:0.00}"), $"≥ 0.7: {(ratio >= 0.7 ? "met" : "missed")}"));
                    }
                }
            }
        }

        if (r.Lag is { } lag)
        {
            foreach (var (name, values) in new[] { ("(d) notification stored, p99", lag.StoredMs), ("(d) email accepted by SMTP, p99", lag.EmailedMs) })
            {
                var p99 = Notifications.Percentile(values, 0.99);
                figures.Add(new ProductFigure(name, string.Create(C, $"{p99:0} ms"), "target", "1000 ms", string.Create(C, $"{p99 / 1000:0.00}"),
                    $"< 1 s: {(p99 < 1000 ? "met" : "missed")}"));
            }
        }

        if (r.Webhooks is { } hooks)
        {
            var p99 = Notifications.Percentile(hooks.LagMs, 0.99);
            figures.Add(new ProductFigure("(w) webhook lag, p99 (healthy receiver)", string.Create(C, $"{p99:0} ms"), "target", "1000 ms",
                string.Create(C, $"{p99 / 1000:0.00}"), $"< 1 s: {(p99 < 1000 && hooks.Delivered == hooks.Bookings ? "met" : "missed")}"));
            var ratio = hooks.SlowReceiver.ConfirmedPerSecond / Math.Max(0.001, hooks.Without.ConfirmedPerSecond);
            figures.Add(new ProductFigure("(w) closed: confirmed/s with a 5 s webhook receiver", string.Create(C, $"{hooks.SlowReceiver.ConfirmedPerSecond:0.0}"),
                "same rush without webhooks", string.Create(C, $"{hooks.Without.ConfirmedPerSecond:0.0}"), string.Create(C, $"{ratio:0.00}"),
                $"≥ 0.95: {(ratio >= 0.95 ? "met" : "missed")}"));
        }

        return figures;
    }

    private static void Baselines(StringBuilder md, IEnumerable<BaselineResult> rows, string unit)
    {
        md.Append($"| baseline | {unit} | p50 ms | p90 ms | p99 ms | max ms | load average | note |\n|---|---:|---:|---:|---:|---:|---|---|\n");
        foreach (var b in rows)
        {
            md.Append(string.Create(C, $"| {b.Name} | {b.PerSecond:0} | {b.P50:0.0} | {b.P90:0.0} | {b.P99:0.0} | {b.Max:0.0} | {b.LoadAverage} | {b.Note} |\n"));
        }

        md.Append('\n');
    }
}

/// <summary>One row of the report's first table: a product figure beside its baseline (or target), and their ratio.</summary>
public sealed record ProductFigure(string Figure, string Value, string Baseline, string BaselineValue, string Ratio, string Target);

/// <summary>
/// bench/results/history.csv: the product figures of every run, one row each, so that earlier runs stay comparable after their
/// reports are gone (only the latest report and the ones the READMEs cite are kept).
/// </summary>
public static class History
{
    public const string FileName = "history.csv";
    public const string Header = "run,quick,load_average_at_start,figure,value,baseline,baseline_value,ratio,target";

    public static async Task AppendAsync(string path, string stamp, RunResults results, IReadOnlyList<ProductFigure> figures)
    {
        var lines = new List<string>();
        if (!File.Exists(path))
        {
            lines.Add(Header);
        }

        lines.AddRange(figures.Select(f => string.Join(",", new[]
        {
            stamp, results.Options.Quick ? "yes" : "no", results.StartLoadAverage, f.Figure, f.Value, f.Baseline, f.BaselineValue, f.Ratio, f.Target,
        }.Select(Field))));
        await File.AppendAllLinesAsync(path, lines);
    }

    /// <summary>A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}

/// <summary>Throughput and latency over time per scenario (ScottPlot, PNG).</summary>
public static class Plots
{
    public static string Slug(string name) => new([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    public static IEnumerable<string> Write(ScenarioRun run, string directory, string stamp)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(run.Duration.TotalSeconds));
        double[] xs = [.. Enumerable.Range(0, seconds).Select(i => (double)i)];
        var steps = run.Steps.Select(s => s.Step).ToList();

        var throughput = new ScottPlot.Plot();
        foreach (var step in steps)
        {
            var counts = new double[seconds];
            foreach (var sample in run.Samples.Where(s => s.Step == step && s.Error is null))
            {
                counts[Math.Clamp((int)(sample.StartSeconds + sample.LatencyMicros / 1e6), 0, seconds - 1)]++;
            }

            throughput.Add.Scatter(xs, counts).LegendText = step;
        }

        var throughputPath = Save(throughput, $"{run.Name}: completed per second ({run.Model})", "per second",
            Path.Combine(directory, $"{stamp}-{Slug(run.Name)}-throughput.png"));

        var latency = new ScottPlot.Plot();
        foreach (var step in steps.Where(s => s is Journey.Book or Journey.Pay))
        {
            var perSecond = run.Samples.Where(s => s.Step == step && s.Error is null)
                .GroupBy(s => Math.Clamp((int)s.StartSeconds, 0, seconds - 1))
                .OrderBy(g => g.Key)
                .Select(g => (Second: (double)g.Key, Sorted: g.Select(s => s.LatencyMicros / 1000.0).Order().ToArray()))
                .ToList();
            if (perSecond.Count == 0)
            {
                continue;
            }

            double[] at = [.. perSecond.Select(p => p.Second)];
            latency.Add.Scatter(at, perSecond.Select(p => Notifications.Percentile(p.Sorted, 0.5)).ToArray()).LegendText = $"{step} p50";
            latency.Add.Scatter(at, perSecond.Select(p => Notifications.Percentile(p.Sorted, 0.99)).ToArray()).LegendText = $"{step} p99";
        }

        var latencyPath = Save(latency, $"{run.Name}: latency by start second", "ms", Path.Combine(directory, $"{stamp}-{Slug(run.Name)}-latency.png"));
        return [throughputPath, latencyPath];
    }

    /// <summary>Titles a plot over seconds, with its legend, and writes it as a 900×420 PNG to <paramref name="path"/>.</summary>
    private static string Save(ScottPlot.Plot plot, string title, string yLabel, string path)
    {
        plot.Title(title);
        plot.XLabel("seconds");
        plot.YLabel(yLabel);
        plot.ShowLegend();
        plot.SavePng(path, 900, 420);
        return path;
    }
}
