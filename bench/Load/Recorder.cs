using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Load.Bench;

/// <summary>One measured request: which step, when it was due to start (seconds into the run), how long it took, and how it failed.</summary>
public readonly record struct Sample(string Step, double StartSeconds, long LatencyMicros, string? Error);

/// <summary>Collects samples from many virtual users; turns them into per-step figures (HdrHistogram) and per-second series.</summary>
public sealed class Recorder
{
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    public long Now => Stopwatch.GetTimestamp();

    public void Record(string step, long startedTimestamp, string? error = null)
    {
        var end = Stopwatch.GetTimestamp();
        var latency = (long)Stopwatch.GetElapsedTime(startedTimestamp, end).TotalMicroseconds;
        var start = (_clock.Elapsed - Stopwatch.GetElapsedTime(startedTimestamp, end)).TotalSeconds;
        _samples.Enqueue(new Sample(step, start, Math.Max(1, latency), error));
    }

    public IReadOnlyList<Sample> Samples => [.. _samples];

    /// <summary>Adds a sample derived from others (e.g. the refused bookings as a step of their own).</summary>
    public void Add(Sample sample) => _samples.Enqueue(sample);

    public static StepStats Summarize(string step, IReadOnlyList<Sample> samples, TimeSpan duration)
    {
        var histogram = new LongHistogram(TimeSpan.FromMinutes(10).Ticks / 10, 3);
        var errors = new Dictionary<string, int>();
        var ok = 0;
        foreach (var sample in samples.Where(s => s.Step == step))
        {
            if (sample.Error is null)
            {
                histogram.RecordValue(sample.LatencyMicros);
                ok++;
            }
            else
            {
                errors[sample.Error] = errors.GetValueOrDefault(sample.Error) + 1;
            }
        }

        double Ms(double percentile) => ok == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1000.0;
        return new StepStats(step, ok, errors, ok / Math.Max(0.001, duration.TotalSeconds), Ms(50), Ms(90), Ms(99),
            ok == 0 ? double.NaN : histogram.GetMaxValue() / 1000.0);
    }
}

public sealed record StepStats(string Step, int Ok, IReadOnlyDictionary<string, int> Errors, double PerSecond,
    double P50, double P90, double P99, double Max)
{
    public int Failed => Errors.Values.Sum();
}
