using System.Net.Http.Json;

namespace EventBooking.Web.Services;

/// <summary>Calls events-api through service discovery.</summary>
public sealed class CatalogClient(HttpClient http)
{
    public async Task<long> CountEventsAsync(CancellationToken cancellationToken)
    {
        var stats = await http.GetFromJsonAsync<StoreStats>("/api/events/stats", cancellationToken);
        return stats?.Count ?? 0;
    }

    private sealed record StoreStats(long Count);
}
