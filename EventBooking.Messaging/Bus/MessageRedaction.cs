using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBooking.Messaging.Contracts;

namespace EventBooking.Messaging;

/// <summary>
/// Hides the <see cref="SecretAttribute"/> fields of a message's data from anyone who lists it (the admin's dead-letter
/// view): a password-reset token dead-lettered on its way to the mail server must not let an admin take over the account.
/// </summary>
public static class MessageRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>Per event name (<c>IIntegrationEvent.EventName</c>), the JSON names of its secret fields.</summary>
    private static readonly FrozenDictionary<string, string[]> SecretFields = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
        .Select(t => (
            Name: t.GetProperty(nameof(IIntegrationEvent.EventName), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string,
            Fields: t.GetProperties().Where(p => p.IsDefined(typeof(SecretAttribute))).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToArray()))
        .Where(x => x.Name is not null && x.Fields.Length > 0)
        .ToFrozenDictionary(x => x.Name!, x => x.Fields, StringComparer.Ordinal);

    /// <summary>The data as it may be shown: a copy with every secret field of <paramref name="eventName"/> replaced.</summary>
    public static JsonElement Redact(string eventName, JsonElement data)
    {
        if (!SecretFields.TryGetValue(eventName, out var fields) || data.ValueKind != JsonValueKind.Object)
        {
            return data.Clone();
        }

        var copy = JsonNode.Parse(data.GetRawText())!.AsObject();
        foreach (var name in copy.Select(p => p.Key).Where(key => fields.Contains(key, StringComparer.OrdinalIgnoreCase)).ToList())
        {
            copy[name] = Redacted;
        }

        return JsonSerializer.SerializeToElement(copy);
    }
}
