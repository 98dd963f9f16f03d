namespace Notifications.Api.Resources;

/// <summary>
/// The words of notifications and emails: <c>NotificationResource.resx</c> (English, the neutral resources and the fallback) and
/// one <c>NotificationResource.&lt;culture&gt;.resx</c> per further language, read through <c>IStringLocalizer&lt;NotificationResource&gt;</c>
/// in the recipient's language (<see cref="Services.RecipientLanguages"/>).
/// </summary>
public sealed class NotificationResource;
