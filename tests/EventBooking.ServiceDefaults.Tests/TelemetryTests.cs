using System.Diagnostics;
using EventBooking.AppHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Xunit;

namespace EventBooking.ServiceDefaults.Tests;

/// <summary>
/// Telemetry is recorded when it has somewhere to go: with an OTLP endpoint every request is a span (sampled by the standard
/// <c>OTEL_TRACES_SAMPLER</c>); without one, nothing is recorded at all. An in-memory exporter added beside the defaults shows
/// what the service's tracer provider records.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Requests_are_traced_when_an_OTLP_endpoint_is_configured()
    {
        var spans = await ServerSpansAsync(new()
        {
            // A closed loopback port: the exporter's sends fail quietly, the in-memory exporter still sees every span.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
        });

        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/traced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nothing_is_recorded_without_an_OTLP_endpoint()
    {
        Assert.Empty(await ServerSpansAsync(new()));
    }

    [Fact]
    public async Task The_SDK_can_be_kept_on_without_an_endpoint_by_saying_so()
    {
        var spans = await ServerSpansAsync(new() { [Extensions.SdkDisabledKey] = "false" });

        Assert.Contains(spans, s => s.Kind == ActivityKind.Server);
    }

    [Fact]
    public async Task A_configured_sampler_is_honoured()
    {
        var spans = await ServerSpansAsync(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{LoopbackPorts.Free()}",
            ["OTEL_TRACES_SAMPLER"] = "always_off",
        });

        Assert.Empty(spans);
    }

    private static async Task<List<Activity>> ServerSpansAsync(Dictionary<string, string?> configuration)
    {
        var exported = new List<Activity>();
        var builder = ServiceDefaultsApp.CreateBuilder(configuration);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(exported));
        await using (var app = await ServiceDefaultsApp.StartAsync(builder, web => web.MapGet("/traced", () => "traced")))
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await app.Client.GetAsync(new Uri("/traced", UriKind.Relative), TestContext.Current.CancellationToken);
                response.EnsureSuccessStatusCode();
            }

            // Disposing the app flushes the tracer provider: every ended span has reached the exporter.
        }

        lock (exported)
        {
            return exported.Where(a => a.Kind == ActivityKind.Server).ToList();
        }
    }
}
