namespace Notifications.Api.Model;

/// <summary>Skeleton entity: proves the service reads and writes its store.</summary>
public sealed class Notification
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public DateTimeOffset CreatedAt { get; set; }
}
