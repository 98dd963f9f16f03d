using System.Text.Json;
using Bookings.Api.Infrastructure;
using Bookings.Api.UseCases;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Bookings.Api.Apis;

/// <summary>The answer to a request as the client gets it (and as its Idempotency-Key replays it): a value with its status, or a problem.</summary>
public sealed record Answer<T>(int Status, T? Value, ProblemDetails? Problem) where T : class;

/// <summary>
/// <c>Idempotency-Key</c> at the API edge (I3): the first request with a key reserves it and the id of the resource it will
/// create; the use case runs with that id (and is idempotent per id, so a duplicate that arrives meanwhile converges on the same
/// resource); its answer, success or refusal, is stored and replayed to every later duplicate. Same key with another body: 422.
/// A 503 is not stored: the same request continues the same resource when it is sent again. The use case is told whether its
/// id is new (a fresh key, or no key): then no earlier attempt can have left anything under it to look up.
/// </summary>
public sealed class IdempotentRequests(IdempotencyStore store, IOptions<BookingOptions> options)
{
    public async Task<Answer<T>> AnswerAsync<T>(Guid userId, string scope, string? key, object request, Func<Guid, bool, Task<Answer<T>>> run,
        CancellationToken cancellationToken) where T : class
    {
        if (key is null)
        {
            return await RunAsync(run, Guid.CreateVersion7(), isNew: true);
        }

        var claim = await store.ClaimAsync(userId, scope, key, IdempotencyStore.Hash(request), options.Value.IdempotencyKeyLifetime, cancellationToken);
        if (claim.HashMismatch)
        {
            return Refused<T>(new Error("idempotency-key-reused", ErrorKind.Unprocessable, "This Idempotency-Key was already used with a different request body."));
        }

        if (claim is { StatusCode: { } status, ResponseBody: { } body })
        {
            return status >= StatusCodes.Status400BadRequest
                ? new Answer<T>(status, null, JsonSerializer.Deserialize<ProblemDetails>(body, JsonSerializerOptions.Web))
                : new Answer<T>(status, JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web), null);
        }

        var answer = await RunAsync(run, claim.ResourceId, claim.IsNew);
        if (answer.Status != StatusCodes.Status503ServiceUnavailable)
        {
            var stored = answer.Problem is null
                ? JsonSerializer.Serialize(answer.Value, JsonSerializerOptions.Web)
                : JsonSerializer.Serialize(answer.Problem, JsonSerializerOptions.Web);
            await store.CompleteAsync(userId, scope, key, answer.Status, stored, cancellationToken);
        }

        return answer;
    }

    /// <summary>Runs the use case; its refusal (the model's or its own) becomes the problem answered here, so it can be stored.</summary>
    private static async Task<Answer<T>> RunAsync<T>(Func<Guid, bool, Task<Answer<T>>> run, Guid resourceId, bool isNew) where T : class
    {
        try
        {
            return await run(resourceId, isNew);
        }
        catch (DomainException refusal)
        {
            return Refused<T>(refusal.Error);
        }
    }

    private static Answer<T> Refused<T>(Error error) where T : class
    {
        var problem = Problems.ToProblemDetails(error);
        return new Answer<T>(problem.Status!.Value, null, problem);
    }
}
