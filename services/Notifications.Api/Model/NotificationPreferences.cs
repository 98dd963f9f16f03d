namespace Notifications.Api.Model;

/// <summary>A user's email switches per notification kind; every kind is on until switched off.</summary>
public sealed class NotificationPreferences
{
    public Guid UserId { get; set; }

    /// <summary>Kinds whose email the user switched off (in-app notifications are always stored).</summary>
    public List<string> EmailDisabled { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }

    public static NotificationPreferences Default(Guid userId) => new() { UserId = userId };

    public bool WantsEmail(string kind) => !EmailDisabled.Contains(kind, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, bool> EmailByKind() =>
        NotificationKind.All.ToDictionary(kind => kind, WantsEmail, StringComparer.Ordinal);

    /// <summary>Applies the given switches (only known kinds; the caller validated them).</summary>
    public void Apply(IReadOnlyDictionary<string, bool> email, DateTimeOffset now)
    {
        var disabled = new HashSet<string>(EmailDisabled, StringComparer.Ordinal);
        foreach (var (kind, on) in email)
        {
            if (on)
            {
                disabled.Remove(kind);
            }
            else
            {
                disabled.Add(kind);
            }
        }

        EmailDisabled = [.. NotificationKind.All.Where(disabled.Contains)];
        UpdatedAt = now;
    }
}
