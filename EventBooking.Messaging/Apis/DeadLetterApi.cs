using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventBooking.Messaging;

/// <summary>
/// Admin operations of the bus: <c>/api/admin/dead-letters</c> and <c>/api/admin/messaging</c>, for admins and service identities
/// (policy <c>admin-or-internal</c>; the AppHost's dashboard commands call them as the <c>operator</c> client).
/// </summary>
public static class DeadLetterApi
{
    public const int MaxListLimit = 500;

    public static IEndpointRouteBuilder MapDeadLetterApi(this IEndpointRouteBuilder app)
    {
        var deadLetters = app.MapGroup("/api/admin/dead-letters").WithTags("Messaging").RequireAuthorization(Policies.AdminOrInternal);
        deadLetters.MapGet("", ListDeadLetters).WithName("ListDeadLetters").WithSummary("Messages in this service's dead-letter queue (oldest first).");
        deadLetters.MapPost("/{messageId:guid}/replay", ReplayDeadLetter).WithName("ReplayDeadLetter").WithSummary("Moves one dead-lettered message back to the service's queue.")
            .Refuses(StatusCodes.Status404NotFound, "dead-letter-not-found");
        deadLetters.MapPost("/replay", ReplayAllDeadLetters).WithName("ReplayAllDeadLetters").WithSummary("Moves every dead-lettered message back to the service's queue.");
        app.MapGet("/api/admin/messaging", GetMessagingStatus).WithTags("Messaging").RequireAuthorization(Policies.Admin)
            .WithName("GetMessagingStatus").WithSummary("Consumer, outbox backlog and dead-letter figures of this service.");
        return app;
    }

    public static async Task<Results<Ok<DeadLetterList>, ValidationProblem>> ListDeadLetters(IDeadLetterQueue queue, CancellationToken cancellationToken, int limit = 100)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            return Problems.Validation("limit", $"limit must be between 1 and {MaxListLimit}.");
        }

        var count = await queue.CountAsync(cancellationToken);
        var messages = await queue.ListAsync(limit, cancellationToken);
        return TypedResults.Ok(new DeadLetterList(count, messages));
    }

    public static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayDeadLetter(Guid messageId, IDeadLetterQueue queue, CancellationToken cancellationToken) =>
        await queue.ReplayAsync(messageId, cancellationToken)
            ? TypedResults.Ok(new ReplayResult(1))
            : Problems.For(new Error("dead-letter-not-found", ErrorKind.NotFound, $"Message {messageId} is not in this service's dead-letter queue."));

    public static async Task<Ok<ReplayResult>> ReplayAllDeadLetters(IDeadLetterQueue queue, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ReplayResult(await queue.ReplayAllAsync(cancellationToken)));

    public static Ok<MessagingStatus> GetMessagingStatus(MessagingState state, IOptions<EventBusOptions> options) =>
        TypedResults.Ok(new MessagingStatus(options.Value.ServiceName, state.ConsumerConnected, state.PublisherConnected, state.DeadLetters, state.Outboxes));
}

public sealed record DeadLetterList(long Count, IReadOnlyList<DeadLetteredMessage> Messages);

public sealed record ReplayResult(int Replayed);

public sealed record MessagingStatus(string Service, bool ConsumerConnected, bool PublisherConnected, long? DeadLetters, IReadOnlyList<OutboxSnapshot> Outboxes);
