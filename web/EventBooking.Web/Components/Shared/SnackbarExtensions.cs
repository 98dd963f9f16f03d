using EventBooking.Web.Clients;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace EventBooking.Web.Components.Shared;

public static class SnackbarExtensions
{
    /// <summary>Tells how an API call went: <paramref name="success"/> of its answer, or the problem (<see cref="Format.Problem"/>).</summary>
    public static void Report<T>(this ISnackbar snackbar, IStringLocalizer L, ApiResult<T> result, Func<T, string> success) =>
        snackbar.Add(result.Problem is { } problem ? L.Problem(problem) : success(result.Value!), result.IsSuccess ? Severity.Success : Severity.Error);
}
