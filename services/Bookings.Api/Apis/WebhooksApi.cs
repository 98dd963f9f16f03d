using System.Security.Claims;
using System.Text.Json;
using Bookings.Api.Infrastructure;
using Bookings.Api.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Bookings.Api.Apis;

public sealed record WebhookEndpointRequest(string? Url, string? Description, IReadOnlyList<string?>? EventTypes, bool? Enabled);

public sealed record WebhookEndpointDto(
    Guid Id, string Url, string? Description, IReadOnlyList<string> EventTypes, bool Enabled, DateTimeOffset? DisabledAt, string? DisabledReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PreviousSecretExpiresAt)
{
    public static WebhookEndpointDto From(WebhookEndpoint e) => new(e.Id, e.Url, e.Description, e.EventTypes, e.IsEnabled, e.DisabledAt, e.DisabledReason,
        e.CreatedAt, e.UpdatedAt, e.PreviousSecretExpiresAt);
}

/// <summary>A new endpoint, or a rotated secret: the secret is in this answer only.</summary>
public sealed record WebhookSecretDto(WebhookEndpointDto Endpoint, string Secret);

public sealed record WebhookDeliveryDto(
    Guid Id, string MessageId, string EventType, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError, int? LastLatencyMs, DateTimeOffset? DeliveredAt)
{
    public static WebhookDeliveryDto From(WebhookDelivery d) => new(d.Id, d.MessageId, d.EventType, d.Status.ToString(), d.Attempts, d.CreatedAt,
        d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.LastLatencyMs, d.DeliveredAt);
}

public sealed record WebhookAttemptDto(int Number, DateTimeOffset At, int? StatusCode, string? Error, int LatencyMs);

public sealed record WebhookDeliveryDetailDto(WebhookDeliveryDto Delivery, JsonElement Payload, IReadOnlyList<WebhookAttemptDto> Attempts);

public sealed record WebhookReplayDto(int Replayed);

/// <summary>Dependencies of the webhook endpoints.</summary>
public sealed record WebhookServices(BookingsDbContext Db, ClaimsPrincipal User, TimeProvider Time, WebhookSignal Signal, IMemoryCache Cache);

/// <summary>An organizer's webhook endpoints, their delivery log, replays and test events: <c>/api/webhooks</c>.</summary>
public static class WebhooksApi
{
    private static readonly Error NotFound = Error.NotFound("webhook");

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Organizer);
        api.MapPost("/", Create).WithName("CreateWebhook")
            .WithSummary("Registers an endpoint for some event types; the signing secret is in this answer only.")
            .WithDescription($"Event types: {string.Join(", ", WebhookEventTypes.Subscribable.Select(t => $"`{t}`"))}. Deliveries follow the " +
                "Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the body " +
                "`{ type, timestamp, data }`, at least once, retried with backoff for about 2.8 days. The address must resolve to a public " +
                $"address (no loopback, private or link-local targets). At most {WebhookEndpoint.MaxPerOrganizer} endpoints per organizer.")
            .WithRequestExample(new WebhookEndpointRequest("https://crm.example.com/hooks/eventbooking", "CRM sync",
                [WebhookEventTypes.BookingConfirmed, WebhookEventTypes.BookingCancelled], null))
            .Refuses(StatusCodes.Status409Conflict, "too-many-webhooks")
            .AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapGet("/", List).WithName("ListWebhooks").WithSummary("My webhook endpoints, newest first.")
            .AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapGet("/{id}", Get).WithName("GetWebhook").WithSummary("One of my webhook endpoints.")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapPut("/{id}", Update).WithName("UpdateWebhook")
            .WithSummary("Changes an endpoint's address, description and event types, or disables or enables it.")
            .WithDescription("Every field is sent; `enabled: true` on a disabled endpoint enables it again (its failed deliveries can then be replayed).")
            .WithRequestExample(new WebhookEndpointRequest("https://crm.example.com/hooks/eventbooking", "CRM sync", [WebhookEventTypes.BookingConfirmed], true))
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapDelete("/{id}", Delete).WithName("DeleteWebhook").WithSummary("Removes an endpoint and its delivery log.")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapPost("/{id}/rotate-secret", RotateSecret).WithName("RotateWebhookSecret")
            .WithSummary("Replaces the signing secret; the old one keeps signing beside it for 24 hours.")
            .WithDescription("During the overlap every delivery carries two signatures (`v1,… v1,…`), so the receiver can switch to the new secret at its own pace.")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapGet("/{id}/deliveries", ListDeliveries).WithName("ListWebhookDeliveries")
            .WithSummary("The endpoint's deliveries, newest first, with their last attempt; optionally one `status` (Pending, Succeeded, Failed).")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapGet("/{id}/deliveries/{deliveryId}", GetDelivery).WithName("GetWebhookDelivery")
            .WithSummary("One delivery with its body and every attempt (time, status code, latency, error).")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found", "webhook-delivery-not-found").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapPost("/{id}/deliveries/{deliveryId}/replay", ReplayDelivery).WithName("ReplayWebhookDelivery")
            .WithSummary("Sends a failed delivery again, from the start of the retry schedule (same `webhook-id` and body).")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found", "webhook-delivery-not-found")
            .Refuses(StatusCodes.Status409Conflict, "webhook-delivery-not-failed").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapPost("/{id}/replay-failed", ReplayFailed).WithName("ReplayFailedWebhookDeliveries")
            .WithSummary("Sends every failed delivery of the endpoint again.")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found").AllowApiToken(ApiTokenScopes.Webhooks);
        api.MapPost("/{id}/test", SendTest).WithName("SendWebhookTest")
            .WithSummary("Queues a `webhook.test` delivery to the endpoint now; its outcome shows in the delivery log.")
            .Refuses(StatusCodes.Status404NotFound, "webhook-not-found")
            .Refuses(StatusCodes.Status409Conflict, "webhook-disabled").AllowApiToken(ApiTokenScopes.Webhooks);
        return app;
    }

    public static async Task<Results<Created<WebhookSecretDto>, ValidationProblem, ProblemHttpResult>> Create(
        WebhookEndpointRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var errors = WebhookEndpoint.Validate(request.Url, request.Description, request.EventTypes, out var url);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var organizerId = services.User.UserId()!.Value;
        if (await services.Db.WebhookEndpoints.CountAsync(e => e.OrganizerId == organizerId, cancellationToken) >= WebhookEndpoint.MaxPerOrganizer)
        {
            return Problems.For(new Error("too-many-webhooks", ErrorKind.Conflict,
                $"An organizer has at most {WebhookEndpoint.MaxPerOrganizer} webhook endpoints; remove one first."));
        }

        var (endpoint, secret) = WebhookEndpoint.Create(organizerId, url!, request.Description, request.EventTypes!.Select(t => t!), services.Time.GetUtcNow());
        services.Db.WebhookEndpoints.Add(endpoint);
        await services.Db.SaveChangesAsync(cancellationToken);
        WebhookFanOut.Forget(services.Cache, organizerId);
        return TypedResults.Created($"/api/webhooks/{endpoint.Id}", new WebhookSecretDto(WebhookEndpointDto.From(endpoint), secret));
    }

    public static async Task<Ok<List<WebhookEndpointDto>>> List([AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var organizerId = services.User.UserId();
        var endpoints = await services.Db.WebhookEndpoints.AsNoTracking().Where(e => e.OrganizerId == organizerId)
            .OrderByDescending(e => e.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(endpoints.Select(WebhookEndpointDto.From).ToList());
    }

    public static async Task<Results<Ok<WebhookEndpointDto>, ProblemHttpResult>> Get(Guid id, [AsParameters] WebhookServices services, CancellationToken cancellationToken) =>
        await FindAsync(id, services, cancellationToken) is { } endpoint ? TypedResults.Ok(WebhookEndpointDto.From(endpoint)) : Problems.For(NotFound);

    public static async Task<Results<Ok<WebhookEndpointDto>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, WebhookEndpointRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var errors = WebhookEndpoint.Validate(request.Url, request.Description, request.EventTypes, out var url);
        if (request.Enabled is null)
        {
            errors["enabled"] = "Say whether the endpoint is enabled.";
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await FindAsync(id, services, cancellationToken, tracking: true) is not { } endpoint)
        {
            return Problems.For(NotFound);
        }

        endpoint.Update(url!, request.Description, request.EventTypes!.Select(t => t!), request.Enabled!.Value, services.Time.GetUtcNow());
        await services.Db.SaveChangesAsync(cancellationToken);
        WebhookFanOut.Forget(services.Cache, endpoint.OrganizerId);
        services.Signal.Notify();
        return TypedResults.Ok(WebhookEndpointDto.From(endpoint));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, services, cancellationToken) is not { } endpoint)
        {
            return Problems.For(NotFound);
        }

        await services.Db.WebhookEndpoints.Where(e => e.Id == endpoint.Id).ExecuteDeleteAsync(cancellationToken);
        WebhookFanOut.Forget(services.Cache, endpoint.OrganizerId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<WebhookSecretDto>, ProblemHttpResult>> RotateSecret(Guid id, [AsParameters] WebhookServices services,
        CancellationToken cancellationToken)
    {
        if (await FindAsync(id, services, cancellationToken, tracking: true) is not { } endpoint)
        {
            return Problems.For(NotFound);
        }

        var secret = endpoint.RotateSecret(services.Time.GetUtcNow());
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new WebhookSecretDto(WebhookEndpointDto.From(endpoint), secret));
    }

    public static async Task<Results<Ok<Paged<WebhookDeliveryDto>>, ValidationProblem, ProblemHttpResult>> ListDeliveries(
        Guid id, string? status, [AsParameters] PageQuery page, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var errors = page.Validate();
        WebhookDeliveryStatus? filter = null;
        if (status is not null)
        {
            if (Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _))
            {
                filter = parsed;
            }
            else
            {
                errors["status"] = ["The status is Pending, Succeeded or Failed."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await FindAsync(id, services, cancellationToken) is null)
        {
            return Problems.For(NotFound);
        }

        var query = services.Db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id);
        if (filter is not null)
        {
            query = query.Where(d => d.Status == filter);
        }

        return TypedResults.Ok(await query.OrderByDescending(d => d.CreatedAt).ToPagedAsync(page, 50, WebhookDeliveryDto.From, cancellationToken));
    }

    public static async Task<Results<Ok<WebhookDeliveryDetailDto>, ProblemHttpResult>> GetDelivery(Guid id, Guid deliveryId,
        [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, services, cancellationToken) is null)
        {
            return Problems.For(NotFound);
        }

        var delivery = await services.Db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id, cancellationToken);
        if (delivery is null)
        {
            return Problems.For(Error.NotFound("webhook-delivery"));
        }

        var attempts = await services.Db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Number)
            .Select(a => new WebhookAttemptDto(a.Number, a.At, a.StatusCode, a.Error, a.LatencyMs)).ToListAsync(cancellationToken);
        return TypedResults.Ok(new WebhookDeliveryDetailDto(WebhookDeliveryDto.From(delivery), JsonDocument.Parse(delivery.Payload).RootElement.Clone(), attempts));
    }

    public static async Task<Results<Accepted<WebhookDeliveryDto>, ProblemHttpResult>> ReplayDelivery(Guid id, Guid deliveryId,
        [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, services, cancellationToken) is null)
        {
            return Problems.For(NotFound);
        }

        var delivery = await services.Db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id, cancellationToken);
        if (delivery is null)
        {
            return Problems.For(Error.NotFound("webhook-delivery"));
        }

        if (!delivery.Replay(services.Time.GetUtcNow()))
        {
            return Problems.For(new Error("webhook-delivery-not-failed", ErrorKind.Conflict,
                $"Only a failed delivery is replayed; this one is {delivery.Status}."));
        }

        await services.Db.SaveChangesAsync(cancellationToken);
        services.Signal.Notify();
        return TypedResults.Accepted($"/api/webhooks/{id}/deliveries/{deliveryId}", WebhookDeliveryDto.From(delivery));
    }

    public static async Task<Results<Accepted<WebhookReplayDto>, ProblemHttpResult>> ReplayFailed(Guid id, [AsParameters] WebhookServices services,
        CancellationToken cancellationToken)
    {
        if (await FindAsync(id, services, cancellationToken) is null)
        {
            return Problems.For(NotFound);
        }

        var now = services.Time.GetUtcNow();
        var replayed = await services.Db.WebhookDeliveries.Where(d => d.EndpointId == id && d.Status == WebhookDeliveryStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Pending).SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.NextAttemptAt, now).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        services.Signal.Notify();
        return TypedResults.Accepted($"/api/webhooks/{id}/deliveries", new WebhookReplayDto(replayed));
    }

    public static async Task<Results<Accepted<WebhookDeliveryDto>, ProblemHttpResult>> SendTest(Guid id, [AsParameters] WebhookServices services,
        CancellationToken cancellationToken)
    {
        if (await FindAsync(id, services, cancellationToken) is not { } endpoint)
        {
            return Problems.For(NotFound);
        }

        if (!endpoint.IsEnabled)
        {
            return Problems.For(new Error("webhook-disabled", ErrorKind.Conflict, "The endpoint is disabled; enable it first."));
        }

        var now = services.Time.GetUtcNow();
        var sourceId = Guid.CreateVersion7();
        var payload = JsonSerializer.Serialize(new WebhookPayload(WebhookEventTypes.Test, now, new { EndpointId = endpoint.Id, Message = "A test event from EventBooking." }),
            JsonSerializerOptions.Web);
        var delivery = WebhookDelivery.Create(endpoint.Id, sourceId, WebhookEventTypes.Test, payload, now);
        services.Db.WebhookDeliveries.Add(delivery);
        await services.Db.SaveChangesAsync(cancellationToken);
        services.Signal.Notify();
        return TypedResults.Accepted($"/api/webhooks/{id}/deliveries/{delivery.Id}", WebhookDeliveryDto.From(delivery));
    }

    /// <summary>The caller's endpoint (an admin's: anyone's); null for another organizer's, as for an unknown id.</summary>
    private static Task<WebhookEndpoint?> FindAsync(Guid id, WebhookServices services, CancellationToken cancellationToken, bool tracking = false)
    {
        var query = tracking ? services.Db.WebhookEndpoints : services.Db.WebhookEndpoints.AsNoTracking();
        var userId = services.User.UserId();
        var admin = services.User.IsAdmin();
        return query.SingleOrDefaultAsync(e => e.Id == id && (admin || e.OrganizerId == userId), cancellationToken);
    }
}
