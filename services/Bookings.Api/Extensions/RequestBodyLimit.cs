using Bookings.Api.Apis;

namespace Bookings.Api.Extensions;

/// <summary>
/// Refuses declared request bodies over the API's limit with a 413 ProblemDetails before anything reads them
/// (Kestrel also enforces the per-endpoint <c>RequestSizeLimit</c> while streaming chunked bodies).
/// </summary>
internal static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app, long maxBytes) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > maxBytes)
            {
                await ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large",
                    $"Request bodies are limited to {maxBytes} bytes.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
}
