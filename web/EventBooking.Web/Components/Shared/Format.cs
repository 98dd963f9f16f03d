using System.Globalization;
using QRCoder;

namespace EventBooking.Web.Components.Shared;

public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    public static string Money(decimal amount, string currency) =>
        amount == 0 ? "Free" : $"{amount.ToString("N2", Culture)} {currency}";

    public static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("ddd d MMM yyyy, HH:mm 'UTC'", Culture);

    /// <summary>"1 ticket", "3 tickets": a count with its noun (English plurals by "s").</summary>
    public static string Count(long count, string noun) => count.ToString("N0", Culture) + " " + (count == 1 ? noun : noun + "s");

    public static string Date(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy", Culture);

    /// <summary>A QR code of a ticket's signed code, as a PNG data URI.</summary>
    public static string QrDataUri(string code)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.Q);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6));
    }

    public static MudBlazor.Color StatusColor(string status) => status switch
    {
        "Confirmed" or "Published" or "Succeeded" or "Valid" => MudBlazor.Color.Success,
        "PendingPayment" or "Draft" or "Pending" => MudBlazor.Color.Warning,
        "Cancelled" or "Expired" or "Failed" or "Void" => MudBlazor.Color.Error,
        "Refunded" => MudBlazor.Color.Info,
        _ => MudBlazor.Color.Default,
    };

    public static string StatusText(string status) => status switch
    {
        "PendingPayment" => "Awaiting payment",
        _ => status,
    };
}
