using System.Security.Cryptography;

namespace Bookings.Api.Webhooks;

/// <summary>
/// An organizer's webhook endpoint: a URL that gets the events it subscribed to, signed per the Standard Webhooks
/// specification with the endpoint's secret. Rotating the secret keeps the previous one signing beside it for a day, so the
/// receiver can switch without losing a delivery. An endpoint that keeps failing is disabled, and can be enabled again.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int MaxPerOrganizer = 20;
    public const int UrlMaxLength = 2000;
    public const int DescriptionMaxLength = 200;
    public const string SecretPrefix = "whsec_";
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    private WebhookEndpoint()
    {
    }

    public Guid Id { get; private set; }
    public Guid OrganizerId { get; private set; }
    public string Url { get; private set; } = "";
    public string? Description { get; private set; }
    public List<string> EventTypes { get; private set; } = [];
    public string Secret { get; private set; } = "";
    public string? PreviousSecret { get; private set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? DisabledAt { get; private set; }
    public string? DisabledReason { get; private set; }
    public uint Version { get; private set; }

    public bool IsEnabled => DisabledAt is null;

    public static (WebhookEndpoint Endpoint, string Secret) Create(Guid organizerId, Uri url, string? description, IEnumerable<string> eventTypes, DateTimeOffset now)
    {
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(),
            OrganizerId = organizerId,
            Url = url.AbsoluteUri,
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            EventTypes = Normalize(eventTypes),
            Secret = NewSecret(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        return (endpoint, endpoint.Secret);
    }

    public void Update(Uri url, string? description, IEnumerable<string> eventTypes, bool enabled, DateTimeOffset now)
    {
        Url = url.AbsoluteUri;
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        EventTypes = Normalize(eventTypes);
        if (enabled)
        {
            DisabledAt = null;
            DisabledReason = null;
        }
        else if (DisabledAt is null)
        {
            Disable("Disabled by its organizer.", now);
        }

        UpdatedAt = now;
    }

    /// <summary>A new secret; the current one keeps signing beside it until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string RotateSecret(DateTimeOffset now)
    {
        PreviousSecret = Secret;
        PreviousSecretExpiresAt = now + SecretOverlap;
        Secret = NewSecret();
        UpdatedAt = now;
        return Secret;
    }

    /// <summary>The secrets a delivery sent at <paramref name="now"/> is signed with: the current one, and the previous one during the overlap.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is { } previous && PreviousSecretExpiresAt > now ? [Secret, previous] : [Secret];

    public void Disable(string reason, DateTimeOffset now)
    {
        DisabledAt = now;
        DisabledReason = reason;
        UpdatedAt = now;
    }

    public bool IsSubscribedTo(string eventType) => eventType == WebhookEventTypes.Test || EventTypes.Contains(eventType, StringComparer.Ordinal);

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The field errors of an endpoint as sent (none: empty); <paramref name="url"/> is the parsed address when valid.</summary>
    public static Dictionary<string, string> Validate(string? urlText, string? description, IReadOnlyList<string?>? eventTypes, out Uri? url)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        url = null;
        if (string.IsNullOrWhiteSpace(urlText))
        {
            errors["url"] = "Give the address that receives the events.";
        }
        else if (urlText.Length > UrlMaxLength)
        {
            errors["url"] = $"The address is at most {UrlMaxLength} characters.";
        }
        else if (!Uri.TryCreate(urlText.Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http"))
        {
            errors["url"] = "The address must be an absolute http or https URL.";
        }
        else if (!string.IsNullOrEmpty(parsed.UserInfo) || !string.IsNullOrEmpty(parsed.Fragment))
        {
            errors["url"] = "The address may not carry credentials or a fragment.";
        }
        else
        {
            url = parsed;
        }

        if (description is { } text && (text.Trim().Length > DescriptionMaxLength || InputRules.Text(text) is not null))
        {
            errors["description"] = InputRules.Text(text) ?? $"The description is at most {DescriptionMaxLength} characters.";
        }

        if (eventTypes is null or [])
        {
            errors["eventTypes"] = $"Subscribe to at least one event type: {string.Join(", ", WebhookEventTypes.Subscribable)}.";
        }
        else if (eventTypes.Any(t => t is null || !WebhookEventTypes.Subscribable.Contains(t, StringComparer.Ordinal)))
        {
            var unknown = eventTypes.First(t => t is null || !WebhookEventTypes.Subscribable.Contains(t, StringComparer.Ordinal));
            errors["eventTypes"] = $"Unknown event type '{unknown}'; the types are {string.Join(", ", WebhookEventTypes.Subscribable)}.";
        }

        return errors;
    }

    private static List<string> Normalize(IEnumerable<string> eventTypes) => eventTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
