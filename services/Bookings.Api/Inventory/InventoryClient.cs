using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Bookings.Api.Inventory;

/// <summary>HTTP client of events-api's internal inventory API (called with the service's own token).</summary>
public sealed partial class InventoryClient(HttpClient http, ILogger<InventoryClient> logger) : IInventoryClient
{
    public async Task<InventoryResult<HoldInfo>> PlaceHoldAsync(Guid eventId, Guid holdId, HoldRequest request, CancellationToken cancellationToken) =>
        await SendAsync<HoldInfo>(() => http.PutAsJsonAsync($"/internal/events/{eventId}/holds/{holdId}", Body(request), cancellationToken), cancellationToken);

    /// <summary>Without lines the body is the one from before ticket types (the event's only type).</summary>
    private static object Body(HoldRequest r) => r.Lines.Count == 0
        ? new { quantity = r.Quantity, expiresAt = r.ExpiresAt, unlockedTicketTypeIds = r.UnlockedTicketTypeIds, userId = r.UserId, queuePass = r.QueuePass, waitingListOffer = r.WaitingListOffer }
        : new { quantity = r.Quantity, expiresAt = r.ExpiresAt, lines = r.Lines.Select(LineBody), unlockedTicketTypeIds = r.UnlockedTicketTypeIds, userId = r.UserId, queuePass = r.QueuePass, waitingListOffer = r.WaitingListOffer };

    /// <summary>
    /// A line as events-api's <c>HoldLineBody</c>: a line by count is the body from before seats; <c>bestAvailable</c>'s members the
    /// buyer left out are events-api's defaults (no split, no wheelchair spaces, no restricted view).
    /// </summary>
    private static object LineBody(HoldLineRequest l) => (l.SeatIds, l.BestAvailable) switch
    {
        ({ } seatIds, _) => new { ticketTypeId = l.TicketTypeId, quantity = l.Quantity, seatIds },
        (_, { } best) => new
        {
            ticketTypeId = l.TicketTypeId, quantity = l.Quantity,
            bestAvailable = new { allowSplit = best.AllowSplit ?? false, wheelchairSpaces = best.WheelchairSpaces ?? 0, allowRestrictedView = best.AllowRestrictedView ?? false },
        },
        _ => new { ticketTypeId = l.TicketTypeId, quantity = l.Quantity },
    };

    public async Task<InventoryResult<HoldInfo>> ConfirmHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken) =>
        await SendAsync<HoldInfo>(() => http.PostAsync($"/internal/events/{eventId}/holds/{holdId}/confirm", null, cancellationToken), cancellationToken);

    public async Task<InventoryResult<HoldSeatsInfo>> MoveSeatsAsync(Guid eventId, Guid holdId, IReadOnlyList<SeatMoveRequest> moves,
        CancellationToken cancellationToken) =>
        await SendAsync<HoldSeatsInfo>(() => http.PostAsJsonAsync($"/internal/events/{eventId}/holds/{holdId}/seats/move",
            new { moves = moves.Select(m => new { from = m.From, to = m.To }) }, cancellationToken), cancellationToken);

    public async Task<InventoryResult<EventInfo>> GetEventAsync(Guid eventId, CancellationToken cancellationToken) =>
        await SendAsync<EventInfo>(() => http.GetAsync($"/internal/events/{eventId}", cancellationToken), cancellationToken);

    public async Task<InventoryResult<InventorySnapshot>> GetInventoryAsync(Guid eventId, CancellationToken cancellationToken) =>
        await SendAsync<InventorySnapshot>(() => http.GetAsync($"/internal/events/{eventId}/inventory", cancellationToken), cancellationToken);

    public async Task<bool> ReleaseHoldAsync(Guid eventId, Guid holdId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.DeleteAsync($"/internal/events/{eventId}/holds/{holdId}", cancellationToken);
            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }

            LogInventoryFailure(logger, "release", (int)response.StatusCode);
            return false;
        }
        catch (Exception ex) when (DependencyFailures.IsUnavailable(ex, cancellationToken))
        {
            LogInventoryUnreachable(logger, ex, "release");
            return false;
        }
    }

    private async Task<InventoryResult<T>> SendAsync<T>(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken) where T : class
    {
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (Exception ex) when (DependencyFailures.IsUnavailable(ex, cancellationToken))
        {
            LogInventoryUnreachable(logger, ex, typeof(T).Name);
            return InventoryResult.Unavailable<T>("events-api could not be reached.");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var value = await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken);
                return value is null ? InventoryResult.Unavailable<T>("events-api answered with an empty body.") : InventoryResult.Ok(value);
            }

            var status = (int)response.StatusCode;
            var problem = await ReadProblemAsync(response, cancellationToken);
            var code = Problems.CodeOf(problem);
            var kind = response.StatusCode switch
            {
                HttpStatusCode.NotFound => ErrorKind.NotFound,
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => ErrorKind.Invalid,
                HttpStatusCode.Conflict => ErrorKind.Conflict,
                // A queued event's hold without a valid pass (queue-pass-required…): the buyer's refusal, told as it was said. Any
                // other 403 (bookings-api's own identity refused) is events-api failing us.
                HttpStatusCode.Forbidden when code?.StartsWith("queue-pass-", StringComparison.Ordinal) == true => ErrorKind.Forbidden,
                _ => ErrorKind.Unavailable,
            };
            if (kind == ErrorKind.Unavailable)
            {
                LogInventoryFailure(logger, typeof(T).Name, status);
                return InventoryResult.Unavailable<T>($"events-api answered {status}.");
            }

            // events-api's refusal as it said it: its code (sold-out, not-on-sale, hold-expired…), never a match on the type URI.
            code ??= kind == ErrorKind.NotFound ? "not-found" : kind == ErrorKind.Conflict ? "conflict" : "invalid";
            var error = new Error(code, kind, problem?.Detail ?? problem?.Title ?? $"events-api answered {status}.");
            // Where to join the line travels with a waiting room's refusal, the seats gone with seat-not-available.
            if (problem?.Extensions.TryGetValue("queue", out var queue) == true && queue is JsonElement { ValueKind: JsonValueKind.String } url)
            {
                error = error.With("queue", url.GetString());
            }

            if (problem?.Extensions.TryGetValue("seatIds", out var gone) == true && gone is JsonElement { ValueKind: JsonValueKind.Array } seatIds)
            {
                error = error.With("seatIds", seatIds.EnumerateArray().Select(s => s.ToString()).ToList());
            }

            // A field error about what was asked (a move's seat not the booking's, of another category) keeps its fields.
            if (problem?.Extensions.TryGetValue("errors", out var fields) == true && fields is JsonElement { ValueKind: JsonValueKind.Object } errors)
            {
                error = error.With("errors", errors.EnumerateObject().ToDictionary(f => f.Name,
                    f => f.Value.ValueKind == JsonValueKind.Array ? f.Value.EnumerateArray().Select(m => m.ToString()).ToArray() : [f.Value.ToString()]));
            }

            return InventoryResult.Failed<T>(error);
        }
    }

    private static async Task<ProblemDetails?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<ProblemDetails>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "events-api inventory call {Operation} failed with {StatusCode}")]
    private static partial void LogInventoryFailure(ILogger logger, string operation, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "events-api could not be reached ({Operation})")]
    private static partial void LogInventoryUnreachable(ILogger logger, Exception exception, string operation);
}
