using Bookings.Api.Apis;
using Bookings.Api.Model;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Extensions;

/// <summary>
/// Rules of the model that refuse a change become <c>409</c> ProblemDetails with the reason; a lost race on the same row
/// (optimistic concurrency) too. Bad requests keep their status; nothing else is handled here.
/// </summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, reason, detail) = exception switch
        {
            DomainException domain => (StatusCodes.Status409Conflict, domain.Reason, domain.Message),
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "concurrent-update", "The booking changed at the same time; reload it and try again."),
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "payload-too-large" : "bad-request",
                bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read (malformed JSON or a value of the wrong type)."),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Type = ApiResults.ProblemTypeBase + reason,
                Title = reason,
                Detail = detail,
                Extensions = { ["reason"] = reason },
            },
        });
    }
}
