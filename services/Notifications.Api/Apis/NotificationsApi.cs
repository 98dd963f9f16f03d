using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notifications.Api.Clients;
using Notifications.Api.Infrastructure;
using Notifications.Api.Model;
using Notifications.Api.Services;

namespace Notifications.Api.Apis;

public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").WithTags("Notifications");
        var mine = api.MapGroup("").RequireAuthorization(Policies.User);

        mine.MapGet("/", ListMine).WithName("ListMyNotifications").WithSummary("Lists the caller's notifications, newest first (paged; unread=true for unread only).")
            .WithDescription("Each notification says whether its email was sent (`email.status`: pending, sent, failed, skipped).");
        mine.MapGet("/unread-count", CountUnread).WithName("CountMyUnreadNotifications").WithSummary("How many of the caller's notifications are unread.")
            .WithDescription("The figure on the web app's bell.");
        mine.MapGet("/preferences", GetPreferences).WithName("GetNotificationPreferences").WithSummary("The caller's email switches per notification kind.")
            .WithDescription("Every kind is on until switched off; users-api's profile `emailNotifications: false` switches all email off.");
        mine.MapPut("/preferences", UpdatePreferences).WithName("UpdateNotificationPreferences").WithSummary("Switches email on or off per notification kind.")
            .WithDescription("Kinds left out keep their setting. Kinds: `booking-confirmed`, `booking-cancelled`, `booking-expired`, " +
                "`payment-refunded`, `event-updated`, `event-cancelled`, `event-reminder`, `announcement`.")
            .WithRequestExample(new UpdatePreferencesRequest(new Dictionary<string, bool> { [NotificationKind.EventReminder] = false }));
        mine.MapPost("/read-all", MarkAllRead).WithName("MarkAllNotificationsRead").WithSummary("Marks every notification of the caller read.")
            .WithDescription("Answers how many were marked.");
        mine.MapGet("/{id}", GetMine).WithName("GetMyNotification").WithSummary("One of the caller's notifications.")
            .WithDescription("Someone else's notification is `404`, like an unknown id.")
            .Refuses(StatusCodes.Status404NotFound, "notification-not-found");
        mine.MapPost("/{id}/read", MarkRead).WithName("MarkNotificationRead").WithSummary("Marks one of the caller's notifications read.")
            .WithDescription("Marking a read notification again changes nothing.")
            .Refuses(StatusCodes.Status404NotFound, "notification-not-found");

        api.MapPost("/", Send).RequireAuthorization(Policies.AdminOrInternal)
            .WithName("SendNotification").WithSummary("Sends a notification to a user or to every attendee of an event (admin or service identity).")
            .WithDescription("Exactly one of `userId` or `eventId`; `link` is a path inside the web app. With an `Idempotency-Key` the same " +
                "request never notifies anyone twice. The attendees of an event come from bookings-api (`503 attendees-unavailable` " +
                "while it cannot be reached).")
            .WithRequestExample(new SendNotificationRequest(null, Guid.Parse("0195f7a2-6c1e-7d3a-9b1f-2a4c6e8f0a1b"), "Doors open at 19:00",
                "Please bring your ticket's QR code.", "/events/0195f7a2-6c1e-7d3a-9b1f-2a4c6e8f0a1b"))
            .Refuses(StatusCodes.Status503ServiceUnavailable, "temporarily-unavailable", "attendees-unavailable");
        return app;
    }

    public static async Task<Results<Ok<Paged<NotificationView>>, ValidationProblem>> ListMine(
        [AsParameters] NotificationServices services, ClaimsPrincipal user, [AsParameters] PageQuery paging, bool? unread, CancellationToken cancellationToken)
    {
        if (paging.Validate() is { Count: > 0 } errors)
        {
            return Problems.Validation(errors);
        }

        var page = await services.Store.ListAsync(user.UserId()!.Value, unread ?? false, paging.Number, paging.Size(), cancellationToken);
        return TypedResults.Ok(page.Select(NotificationView.From));
    }

    public static async Task<Ok<UnreadCount>> CountUnread(
        [AsParameters] NotificationServices services, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(new UnreadCount(await services.Store.CountUnreadAsync(user.UserId()!.Value, cancellationToken)));

    public static async Task<Results<Ok<NotificationView>, ProblemHttpResult>> GetMine(
        [AsParameters] NotificationServices services, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        var notification = await services.Store.FindAsync(user.UserId()!.Value, id, cancellationToken);
        return notification is null ? Problems.NotFound("notification") : TypedResults.Ok(NotificationView.From(notification));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(
        [AsParameters] NotificationServices services, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        var found = await services.Store.MarkReadAsync(user.UserId()!.Value, id, services.Time.GetUtcNow(), cancellationToken);
        return found ? TypedResults.NoContent() : Problems.NotFound("notification");
    }

    public static async Task<Ok<ReadAllResult>> MarkAllRead(
        [AsParameters] NotificationServices services, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ReadAllResult(await services.Store.MarkAllReadAsync(user.UserId()!.Value, services.Time.GetUtcNow(), cancellationToken)));

    public static async Task<Ok<PreferencesView>> GetPreferences(
        [AsParameters] NotificationServices services, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var preferences = await services.Store.GetPreferencesAsync(user.UserId()!.Value, cancellationToken);
        return TypedResults.Ok(new PreferencesView(preferences.EmailByKind()));
    }

    public static async Task<Results<Ok<PreferencesView>, ValidationProblem>> UpdatePreferences(
        [AsParameters] NotificationServices services, ClaimsPrincipal user, UpdatePreferencesRequest? request, CancellationToken cancellationToken)
    {
        if (request?.Email is null || request.Email.Count == 0)
        {
            return Problems.Validation("email",
                $"Give at least one kind to switch, e.g. {{\"email\": {{\"{NotificationKind.EventReminder}\": false}}}}. Kinds: {string.Join(", ", NotificationKind.All)}.");
        }

        var unknown = request.Email.Keys.Where(kind => !NotificationKind.IsKnown(kind)).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation(unknown.ToDictionary(
                kind => $"email.{kind}", _ => new[] { $"Unknown notification kind. Kinds: {string.Join(", ", NotificationKind.All)}." }));
        }

        var preferences = await services.Store.GetPreferencesAsync(user.UserId()!.Value, cancellationToken);
        preferences.Apply(request.Email, services.Time.GetUtcNow());
        await services.Store.SavePreferencesAsync(preferences, cancellationToken);
        return TypedResults.Ok(new PreferencesView(preferences.EmailByKind()));
    }

    public static async Task<Results<Ok<SendNotificationResult>, ValidationProblem, ProblemHttpResult>> Send(
        [AsParameters] NotificationServices services, SendNotificationRequest? request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken cancellationToken)
    {
        var errors = Validate(request, idempotencyKey);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // Retrying the same request (same Idempotency-Key) maps to the same notification ids: no duplicates.
        var source = $"api:{idempotencyKey ?? Guid.CreateVersion7().ToString("N")}";
        List<(Guid UserId, Guid? BookingId, string? Email, string? Name)> recipients;
        if (request!.UserId is Guid userId)
        {
            recipients = [(userId, null, null, null)];
        }
        else
        {
            try
            {
                var attendees = await services.Attendees.AttendeesOfAsync(request.EventId!.Value, cancellationToken);
                recipients = [.. attendees.DistinctBy(a => a.UserId).Select(a => (a.UserId, (Guid?)a.BookingId, a.Email, a.Name))];
            }
            catch (Exception ex) when (DependencyFailures.IsUnavailable(ex, cancellationToken))
            {
                return Problems.For(Error.Unavailable("attendees-unavailable",
                    "The attendees of the event cannot be listed right now (bookings-api unavailable). Try again later."));
            }
        }

        var created = 0;
        foreach (var recipient in recipients)
        {
            var added = await services.Writer.WriteAsync(new Notification
            {
                Kind = NotificationKind.Announcement,
                Title = request.Title!.Trim(),
                Body = request.Body!.Trim(),
                Link = request.Link,
                EventId = request.EventId,
                BookingId = recipient.BookingId,
            }.To(source, recipient.UserId, recipient.Email, recipient.Name), cancellationToken);
            created += added ? 1 : 0;
        }

        return TypedResults.Ok(new SendNotificationResult(recipients.Count, created));
    }

    private static Dictionary<string, string[]> Validate(SendNotificationRequest? request, string? idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body is required."];
            return errors;
        }

        if ((request.UserId is null) == (request.EventId is null))
        {
            errors["userId"] = ["Give exactly one of userId (one user) or eventId (every attendee of the event)."];
        }
        else if (request.UserId == Guid.Empty || request.EventId == Guid.Empty)
        {
            errors[request.UserId is not null ? "userId" : "eventId"] = ["The id must not be empty."];
        }

        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Trim().Length > 200)
        {
            errors["title"] = ["A title of 1 to 200 characters is required."];
        }
        else if (InputRules.Text(request.Title) is { } unsafeTitle)
        {
            errors["title"] = [unsafeTitle];
        }

        if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Trim().Length > 4000)
        {
            errors["body"] = ["A body of 1 to 4000 characters is required."];
        }
        else if (InputRules.Text(request.Body, multiline: true) is { } unsafeBody)
        {
            errors["body"] = [unsafeBody];
        }

        // Links point inside the web app only: a notification must not become a phishing vector.
        if (request.Link is not null && (request.Link.Length > 500 || !request.Link.StartsWith('/') || request.Link.StartsWith("//", StringComparison.Ordinal)
            || !Uri.IsWellFormedUriString(request.Link, UriKind.Relative)))
        {
            errors["link"] = ["The link must be a path inside the web app, such as /events/{id}."];
        }

        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 200))
        {
            errors["Idempotency-Key"] = ["The Idempotency-Key header must be 1 to 200 characters."];
        }

        return errors;
    }
}

/// <summary>The dependencies of the notification handlers.</summary>
public sealed record NotificationServices(INotificationStore Store, NotificationWriter Writer, IAttendeeDirectory Attendees, TimeProvider Time);
