using System.Text.Json;
using Bookings.Api.Infrastructure;
using Bookings.Api.Model;
using Bookings.Api.UseCases;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bookings.Api.Apis;

/// <summary>The answer to a request as the client gets it (and as its Idempotency-Key replays it): a value with its status, or a problem.</summary>
public sealed record Answer<T>(int Status, T? Value, ProblemDetails? Problem) where T : class;

/// <summary>The answers of the idempotent requests, for their endpoints and for the use cases that store them with their work.</summary>
public static class Answers
{
    public static Answer<BookingDto> BookingCreated(BookingDto booking) => new(StatusCodes.Status201Created, booking, null);

    /// <summary>202 while the booking still waits (the charge's outcome is unknown, or the confirmation is left to the reconciler); else 201.</summary>
    public static Answer<PaymentDto> Payment(PaymentDto payment) =>
        new(payment.BookingStatus == nameof(BookingStatus.PendingPayment) ? StatusCodes.Status202Accepted : StatusCodes.Status201Created, payment, null);
}

/// <summary>
/// <c>Idempotency-Key</c> at the API edge (I3): the first request with a key reserves it and the id of the resource it will
/// create; the use case runs with that id (and is idempotent per id, so a duplicate that arrives meanwhile converges on the same
/// resource); its answer, success or refusal, is stored and replayed to every later duplicate. Same key with another body: 422.
/// A 503 is not stored: the same request continues the same resource when it is sent again. The use case is told whether its
/// id is new (a fresh key, or no key): then no earlier attempt can have left anything under it to look up.
/// A use case whose last transaction commits the work the answer reports stores the answer in that transaction
/// (<see cref="AnswerCommand{T}"/>): its UPDATE goes in that transaction's round trip, one round trip and one commit less per
/// request; any other answer is stored after it.
/// </summary>
public sealed class IdempotentRequests(IdempotencyStore store, BookingsDbContext db, IOptions<BookingOptions> options)
{
    // The key this request claimed, while its use case runs: the row its answer is written to.
    private IdempotencyRecord? _claimed;

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

        var claimed = _claimed = new IdempotencyRecord { UserId = userId, Scope = scope, Key = key };
        Answer<T> answer;
        try
        {
            answer = await RunAsync(run, claim.ResourceId, claim.IsNew);
        }
        finally
        {
            _claimed = null;
        }

        if (answer.Status != StatusCodes.Status503ServiceUnavailable && !WasSavedWithWork(claimed, answer))
        {
            await store.CompleteAsync(userId, scope, key, answer.Status, Stored(answer), cancellationToken);
        }

        return answer;
    }

    /// <summary>
    /// Called by a use case whose statements commit the work <paramref name="answer"/> reports (inside any retried unit of work,
    /// once per attempt): the statement that stores the answer, to run in that transaction. Null without a claimed key (no
    /// Idempotency-Key, or a background job): nothing to store. Once the transaction has committed, the use case calls
    /// <see cref="SavedWithWork"/>.
    /// </summary>
    public NpgsqlBatchCommand? AnswerCommand<T>(Answer<T> answer) where T : class
    {
        if (_claimed is not { } record)
        {
            return null;
        }

        (record.StatusCode, record.ResponseBody) = (answer.Status, Stored(answer));
        return IdempotencyStore.AnswerCommand(record.UserId, record.Scope, record.Key, answer.Status, record.ResponseBody);
    }

    /// <summary>The transaction with <see cref="AnswerCommand{T}"/>'s statement committed: the answer is stored.</summary>
    public void SavedWithWork()
    {
        if (_claimed is { } record)
        {
            db.Entry(record).State = EntityState.Unchanged;
        }
    }

    /// <summary>
    /// Whether this very answer was committed with the work: its SaveChanges succeeded (the row is tracked as unchanged, not
    /// dropped by a cleared change tracker or left modified by a failed save) and the use case answered what it stored (I3).
    /// </summary>
    private bool WasSavedWithWork<T>(IdempotencyRecord claimed, Answer<T> answer) where T : class =>
        db.Entry(claimed).State == EntityState.Unchanged && claimed.StatusCode == answer.Status && claimed.ResponseBody == Stored(answer);

    private static string Stored<T>(Answer<T> answer) where T : class => answer.Problem is null
        ? JsonSerializer.Serialize(answer.Value, JsonSerializerOptions.Web)
        : JsonSerializer.Serialize(answer.Problem, JsonSerializerOptions.Web);

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
