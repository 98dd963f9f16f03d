using System.Globalization;
using EventBooking.ServiceDefaults;
using Microsoft.Extensions.Localization;
using QRCoder;

namespace EventBooking.Web.Components.Shared;

/// <summary>
/// Numbers, prices, dates and counts for the user's culture (the request's, or the circuit's: <c>CultureInfo.CurrentCulture</c>),
/// in the words and date patterns of the resources (<c>L</c>). Event times are shown in the event's time zone, named; other
/// instants (a payment, a scan) in UTC, named too.
/// </summary>
public static class Format
{
    public static string Money(this IStringLocalizer L, decimal amount, string currency) =>
        amount == 0 ? L["Format_Free"] : L["Format_Money", amount.ToString("N2", CultureInfo.CurrentCulture), currency];

    /// <summary>An instant in UTC: "Sat 5 Dec 2026, 19:00 UTC".</summary>
    public static string When(this IStringLocalizer L, DateTimeOffset at) => L.When(at, "UTC");

    /// <summary>An instant in the time zone <paramref name="timeZone"/> (an IANA id, as events carry it), named: "Sat 5 Dec 2026, 20:00 Europe/Berlin".</summary>
    public static string When(this IStringLocalizer L, DateTimeOffset at, string? timeZone)
    {
        var (local, zone) = EventTimes.InZone(at, timeZone);
        return L["Format_InZone", local.ToString(L["Format_DateTimePattern"], CultureInfo.CurrentCulture), zone];
    }

    /// <summary>A day (in UTC, or in <paramref name="timeZone"/>): "5 Dec 2026".</summary>
    public static string Date(this IStringLocalizer L, DateTimeOffset at, string? timeZone = null) =>
        EventTimes.InZone(at, timeZone).Local.ToString(L["Format_DatePattern"], CultureInfo.CurrentCulture);

    /// <summary>A count with its noun in the right number: <c>L.Count(3, "Count_Ticket")</c> reads <c>Count_Ticket_One</c> or <c>Count_Ticket_Other</c>.</summary>
    public static string Count(this IStringLocalizer L, long count, string key) =>
        L[count == 1 ? key + "_One" : key + "_Other", count.ToString("N0", CultureInfo.CurrentCulture)];

    /// <summary>A whole number for the culture ("1,234" / "1.234").</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>A status the APIs send (<c>PendingPayment</c>, <c>Confirmed</c>…) in words; one without words of ours as it came.</summary>
    public static string Status(this IStringLocalizer L, string status) =>
        L["Status_" + status] is { ResourceNotFound: false } text ? text.Value : status;

    /// <summary>A category of events-api's fixed list by its id, in words (one unknown here: events-api's name, else the id).</summary>
    public static string Category(this IStringLocalizer L, string id, string? name = null) =>
        L["Category_" + id] is { ResourceNotFound: false } text ? text.Value : name ?? id;

    /// <summary>An API token scope (<c>events:read</c>…) in words; one without words of ours as it came.</summary>
    public static string ApiTokenScope(this IStringLocalizer L, string scope) => Words(L, "Scope_", scope) ?? scope;

    /// <summary>What an API token scope lets an integration do.</summary>
    public static string ApiTokenScopeHelp(this IStringLocalizer L, string scope) => Words(L, "ScopeHelp_", scope) ?? "";

    /// <summary>A webhook event type (<c>booking.confirmed</c>…) in words; one without words of ours as it came.</summary>
    public static string WebhookEventType(this IStringLocalizer L, string type) => Words(L, "WebhookType_", type) ?? type;

    // Resource names keep to letters, digits and underscores: "events:read" is "Scope_events_read".
    private static string? Words(IStringLocalizer L, string prefix, string value) =>
        L[prefix + value.Replace(':', '_').Replace('.', '_').Replace('-', '_')] is { ResourceNotFound: false } text ? text.Value : null;

    /// <summary>What went wrong, for people: the web's own words when it could not reach a service, else the service's.</summary>
    public static string Problem(this IStringLocalizer L, Clients.ApiProblem problem) => problem switch
    {
        { Code: Clients.ProblemCodes.Unreachable } => L["Problem_Unreachable", L[problem.Service ?? "Service_Generic"]],
        { Detail: { Length: > 0 } detail } when !string.IsNullOrWhiteSpace(detail) => detail,
        { Title: { Length: > 0 } title } when !string.IsNullOrWhiteSpace(title) => title,
        { Status: 401 } => L["Problem_SignInAgain"],
        { Status: 403 } => L["Problem_NotAllowed"],
        { Status: 404 } => L["Problem_NotFound"],
        { Status: 429 } => L["Problem_TooMany"],
        _ => L["Problem_Generic"],
    };

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
}
