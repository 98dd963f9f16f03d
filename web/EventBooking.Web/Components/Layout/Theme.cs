using MudBlazor;

namespace EventBooking.Web.Components.Layout;

/// <summary>
/// One theme for the whole app. Every color carries white text (chips, filled buttons) or is text itself (outlined buttons,
/// alerts) at a contrast of at least 4.5:1 (WCAG 2.1 AA, checked by axe in the browser tests): MudBlazor's default success,
/// info, warning and error colors do not.
/// </summary>
public static class Theme
{
    public static readonly MudTheme Default = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
            Success = "#2e7d32",
            Info = "#1565c0",
            Warning = "#b45309",
            Error = "#c62828",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
