using EventBooking.Testing;
using Events.Api.Analytics;
using Events.Api.Infrastructure;
using Events.Api.Infrastructure.Postgres;
using Events.Api.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Events.Api.Tests.StoreContract;

/// <summary>
/// The analytics writer on a real PostgreSQL database: it writes many signals per statement (every flush interval, or as soon as
/// a batch's worth is queued), and loses none on a clean stop or a flush.
/// </summary>
public sealed class SignalWriterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly PostgresStores _stores = new(postgres, "events_signal_writer");
    private readonly CountingStore.Calls _appends = new();
    private ServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _stores.InitializeAsync(Ct);
        var services = new ServiceCollection();
        services.AddMetrics();
        _stores.AddStores(services);
        services.AddScoped<IAnalyticsStore>(sp => new CountingStore(new PostgresAnalyticsStore(sp.GetRequiredService<EventsDbContext>()), _appends));
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _stores.DisposeAsync();
    }

    [Fact]
    public async Task Signals_below_a_batch_wait_for_the_interval_and_a_stop_writes_them_all_in_one_statement()
    {
        // The interval is far longer than the test: only the stop can write them.
        var (collector, writer) = Writer(new AnalyticsOptions { FlushInterval = TimeSpan.FromMinutes(10), MaxBatch = 500, QueueCapacity = 1_000 });
        await writer.StartAsync(Ct);
        var eventId = Guid.CreateVersion7();
        for (var i = 0; i < 120; i++)
        {
            Assert.True(collector.Record(new Signal(SignalKind.View, eventId, null, Guid.CreateVersion7(), DateTimeOffset.UtcNow)));
        }

        await writer.StopAsync(Ct);

        var data = await ReportAsync(eventId);
        Assert.Equal(120, data.Signals.Where(s => s.Kind == SignalKind.View).Sum(s => s.Count));
        Assert.Equal(120, data.UniqueVisitors);
        Assert.Equal(0, data.DroppedSignals);
        Assert.Equal([120], _appends.Sizes);
        writer.Dispose();
    }

    [Fact]
    public async Task A_batchs_worth_of_signals_is_written_before_the_interval_ends_at_most_a_batch_per_statement()
    {
        var (collector, writer) = Writer(new AnalyticsOptions { FlushInterval = TimeSpan.FromMinutes(10), MaxBatch = 100, QueueCapacity = 1_000 });
        await writer.StartAsync(Ct);
        var eventId = Guid.CreateVersion7();
        for (var i = 0; i < 250; i++)
        {
            Assert.True(collector.Record(new Signal(SignalKind.View, eventId, null, null, DateTimeOffset.UtcNow)));
        }

        // 200 of them are two batches' worth: they are written long before the ten minutes (the last 50 wait for the interval).
        await Poll.UntilAsync(async () => (await ReportAsync(eventId)).Signals.Sum(s => s.Count) >= 200, TimeSpan.FromSeconds(20),
            "two batches' worth of signals are written without waiting for the interval", Ct);
        Assert.All(_appends.Sizes, size => Assert.InRange(size, 1, 100));

        await writer.StopAsync(Ct);
        Assert.Equal(250, (await ReportAsync(eventId)).Signals.Sum(s => s.Count));
        Assert.Equal(250, _appends.Sizes.Sum());
        writer.Dispose();
    }

    [Fact]
    public async Task A_flush_writes_what_is_queued_at_once_with_every_field()
    {
        var (collector, writer) = Writer(new AnalyticsOptions { FlushInterval = TimeSpan.FromMinutes(10) });
        await writer.StartAsync(Ct);
        var (eventId, user, visitor) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        collector.Record(new Signal(SignalKind.View, eventId, user, visitor, at));
        collector.Record(new Signal(SignalKind.Search, null, user, null, at.AddSeconds(1), Query: "harbour jazz", Results: 7));
        collector.Record(new Signal(SignalKind.Impression, eventId, null, null, at, Quantity: 3));
        collector.Record(new Signal(SignalKind.Impression, eventId, null, null, at, Quantity: 2)); // folded into one row of 5

        await writer.FlushAsync(Ct);

        Assert.Equal([3], _appends.Sizes);
        var activity = await _stores.Open().Analytics.GetUserActivityAsync(user, new PageQuery(1, 10), Ct);
        Assert.Equal(
            [new Signal(SignalKind.Search, null, user, null, at.AddSeconds(1), Query: "harbour jazz", Results: 7), new Signal(SignalKind.View, eventId, user, visitor, at)],
            activity.Items.Select(s => s with { OccurredAt = s.OccurredAt.ToUniversalTime() }));
        var impressions = Assert.Single((await ReportAsync(eventId)).Signals, s => s.Kind == SignalKind.Impression);
        Assert.Equal((1L, 5L), (impressions.Count, impressions.Quantity));
        await writer.StopAsync(Ct);
        writer.Dispose();
    }

    private (SignalCollector, SignalWriter) Writer(AnalyticsOptions settings)
    {
        var options = Options.Create(settings);
        var collector = new SignalCollector(options, _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        return (collector, new SignalWriter(collector, _services.GetRequiredService<IServiceScopeFactory>(), options, TimeProvider.System,
            NullLogger<SignalWriter>.Instance));
    }

    private Task<EventAnalyticsData> ReportAsync(Guid eventId) => _stores.Open().Analytics.GetEventAnalyticsAsync(eventId,
        new AnalyticsWindow(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), AnalyticsBucket.Hour), Ct);

    /// <summary>The PostgreSQL store, counting the size of each batch it is asked to append (one statement each).</summary>
    private sealed class CountingStore(IAnalyticsStore inner, CountingStore.Calls calls) : IAnalyticsStore
    {
        public sealed class Calls
        {
            private readonly List<int> _sizes = [];

            public int[] Sizes
            {
                get
                {
                    lock (_sizes)
                    {
                        return [.. _sizes];
                    }
                }
            }

            public void Add(int size)
            {
                lock (_sizes)
                {
                    _sizes.Add(size);
                }
            }
        }

        public async Task AppendAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken)
        {
            await inner.AppendAsync(signals, cancellationToken);
            calls.Add(signals.Count);
        }

        public Task RecordBookingAsync(Signal signal, CancellationToken cancellationToken) => inner.RecordBookingAsync(signal, cancellationToken);

        public Task AddDroppedAsync(IReadOnlyDictionary<Guid, long> dropped, CancellationToken cancellationToken) => inner.AddDroppedAsync(dropped, cancellationToken);

        public Task<EventAnalyticsData> GetEventAnalyticsAsync(Guid eventId, AnalyticsWindow window, CancellationToken cancellationToken) =>
            inner.GetEventAnalyticsAsync(eventId, window, cancellationToken);

        public Task<Paged<Signal>> GetUserActivityAsync(Guid userId, PageQuery page, CancellationToken cancellationToken) =>
            inner.GetUserActivityAsync(userId, page, cancellationToken);
    }
}
