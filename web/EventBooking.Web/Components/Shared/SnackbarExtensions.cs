using EventBooking.Web.Clients;
using MudBlazor;

namespace EventBooking.Web.Components.Shared;

public static class SnackbarExtensions
{
    /// <summary>Tells how an API call went: <paramref name="success"/> of its answer, or the problem's message.</summary>
    public static void Report<T>(this ISnackbar snackbar, ApiResult<T> result, Func<T, string> success) =>
        snackbar.Add(result.Problem is { } problem ? problem.Message : success(result.Value!), result.IsSuccess ? Severity.Success : Severity.Error);
}
