using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Web.Clients;
using Microsoft.AspNetCore.Components;

namespace EventBooking.Web.Components.Shared;

/// <summary>
/// schema.org data for search engines (a JSON-LD block in the page's head), so an event can show as an event, with its date,
/// place, price and whether tickets are left, in search results. Razor components may not contain script elements, so the block
/// is markup; System.Text.Json's default encoder escapes &lt;, &gt; and &amp;, so no text of an organizer's can close it.
/// </summary>
public static class StructuredData
{
    public static MarkupString Event(EventDto e, string url)
    {
        var data = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Event",
            ["name"] = e.Title,
            ["description"] = e.Description,
            ["startDate"] = e.StartsAt.ToString("O", CultureInfo.InvariantCulture),
            ["endDate"] = e.EndsAt.ToString("O", CultureInfo.InvariantCulture),
            ["eventStatus"] = e.Status == "Cancelled" ? "https://schema.org/EventCancelled" : "https://schema.org/EventScheduled",
            ["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode",
            ["url"] = url,
            ["location"] = new JsonObject
            {
                ["@type"] = "Place",
                ["name"] = e.Venue,
                ["address"] = new JsonObject { ["@type"] = "PostalAddress", ["addressLocality"] = e.City },
            },
            ["offers"] = new JsonObject
            {
                ["@type"] = "Offer",
                ["url"] = url,
                ["price"] = e.Price.ToString("0.00", CultureInfo.InvariantCulture),
                ["priceCurrency"] = e.Currency,
                ["availability"] = e.Available > 0 && e.Status == "Published" ? "https://schema.org/InStock" : "https://schema.org/SoldOut",
            },
        };
        if (e.PublishedAt is { } published)
        {
            data["offers"]!["validFrom"] = published.ToString("O", CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrEmpty(e.ImageUrl))
        {
            data["image"] = new JsonArray(e.ImageUrl);
        }

        return new MarkupString($"<script type=\"application/ld+json\">{data.ToJsonString(JsonSerializerOptions.Default)}</script>");
    }
}
