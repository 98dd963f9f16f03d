using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventBooking.AppHost;

/// <summary>
/// Operator actions offered on the dashboard's resources: the cross-service reconciliation check (bookings-api) and the
/// replay of a service's dead-lettered messages. The AppHost calls the services' admin endpoints with its own service
/// identity, <c>operator</c> (OAuth2 client credentials from users-api; its secret is a generated parameter like the others).
/// </summary>
public static class OperatorCommands
{
    public const string ClientId = "operator";
    public const string ReconcileCommand = "reconcile";
    public const string ReplayDeadLettersCommand = "replay-dead-letters";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>"Check reconciliation": every discrepancy between events-api's seats and bookings-api's bookings, tickets, payments.</summary>
    public static IResourceBuilder<ProjectResource> WithReconciliationCommand(this IResourceBuilder<ProjectResource> bookings,
        IResourceBuilder<ProjectResource> users, ServiceIdentities identities) =>
        bookings.WithCommand(ReconcileCommand, "Check reconciliation", async context =>
        {
            using var response = await SendAsync(HttpMethod.Get, bookings.Resource, "/api/admin/reconciliation", users.Resource, identities, context.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(context.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return CommandResults.Failure($"bookings-api answered {(int)response.StatusCode}: {body}");
            }

            using var report = JsonDocument.Parse(body);
            var events = report.RootElement.GetProperty("events").GetArrayLength();
            var discrepancies = report.RootElement.GetProperty("discrepancies");
            return report.RootElement.GetProperty("ok").GetBoolean()
                ? CommandResults.Success($"Consistent: {events} events checked, no discrepancy.")
                : CommandResults.Failure($"{discrepancies.GetArrayLength()} discrepancies in {events} events: {discrepancies}");
        }, new CommandOptions
        {
            Description = "Compares events-api's seat counters and holds with bookings-api's bookings, tickets and payments (GET /api/admin/reconciliation).",
            IconName = "CheckmarkCircle",
            UpdateState = RunningOnly,
        });

    /// <summary>"Replay dead letters": moves every message of the service's dead-letter queue back to its queue.</summary>
    public static IResourceBuilder<ProjectResource> WithReplayDeadLettersCommand(this IResourceBuilder<ProjectResource> service,
        IResourceBuilder<ProjectResource> users, ServiceIdentities identities) =>
        service.WithCommand(ReplayDeadLettersCommand, "Replay dead letters", async context =>
        {
            using var response = await SendAsync(HttpMethod.Post, service.Resource, "/api/admin/dead-letters/replay", users.Resource, identities, context.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return CommandResults.Failure($"{service.Resource.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(context.CancellationToken)}");
            }

            var result = await response.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken);
            return CommandResults.Success($"{result.GetProperty("replayed").GetInt32()} dead-lettered messages sent back to {service.Resource.Name}'s queue.");
        }, new CommandOptions
        {
            Description = "Moves every message of this service's dead-letter queue back to its queue (POST /api/admin/dead-letters/replay).",
            ConfirmationMessage = "Send every dead-lettered message back to the service's queue?",
            IconName = "ArrowRepeatAll",
            UpdateState = RunningOnly,
        });

    private static ResourceCommandState RunningOnly(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<HttpResponseMessage> SendAsync(HttpMethod method, ProjectResource target, string path, ProjectResource users,
        ServiceIdentities identities, CancellationToken cancellationToken)
    {
        using var token = await Http.PostAsync(new Uri(users.GetEndpoint("http").Url + "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
            ["client_secret"] = await identities.SecretOf(ClientId).Resource.GetValueAsync(cancellationToken) ?? "",
            ["scope"] = "eventbooking.internal",
        }), cancellationToken);
        token.EnsureSuccessStatusCode();
        var accessToken = (await token.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("access_token").GetString();
        using var request = new HttpRequestMessage(method, new Uri(target.GetEndpoint("http").Url + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await Http.SendAsync(request, cancellationToken);
    }
}
