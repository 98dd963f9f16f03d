namespace EventBooking.Web.Extensions;

/// <summary>A service's first endpoint from the Aspire-format configuration (for clients that do not go through HttpClient, e.g. SignalR).</summary>
public static class ServiceAddress
{
    public static Uri? Of(IConfiguration configuration, string service)
    {
        var value = configuration[$"services:{service}:https:0"] ?? configuration[$"services:{service}:http:0"];
        return value is null ? null : new Uri(value.EndsWith('/') ? value : value + "/");
    }
}
