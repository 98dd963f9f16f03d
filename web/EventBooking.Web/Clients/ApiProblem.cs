namespace EventBooking.Web.Clients;

/// <summary>
/// A problem (RFC 9457) as every service answers it (EventBooking.ServiceDefaults/Http/Problems.cs, docs/contracts.md):
/// <see cref="Code"/> is the machine-readable <c>code</c> member to switch on (never the <c>type</c> URI), <see cref="Errors"/>
/// the field errors of a <c>validation</c> problem, <see cref="Detail"/> and <see cref="Title"/> are for people. Members a
/// problem carries beyond these (a payment refusal's <c>paymentId</c>, a used ticket's <c>checkedInAt</c>) are in <see cref="Members"/>.
/// </summary>
public sealed record ApiProblem
{
    /// <summary>The problem's <c>code</c> (<c>sold-out</c>, <c>event-not-found</c>, <c>validation</c>…): see <see cref="ProblemCodes"/>.</summary>
    public string Code { get; init; } = ProblemCodes.Unknown;

    public string? Title { get; init; }

    public string? Detail { get; init; }

    /// <summary>The HTTP status of the answer.</summary>
    public int Status { get; init; }

    /// <summary>The messages per field of a <c>validation</c> problem.</summary>
    public Dictionary<string, string[]>? Errors { get; init; }

    /// <summary>The problem's other members, as sent.</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Members { get; init; }

    /// <summary>A string member (e.g. <c>door</c>), or null.</summary>
    public string? Member(string name) =>
        Members?.TryGetValue(name, out var value) == true && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;

    /// <summary>What kind of "no" the status stands for, in the shared vocabulary (e.g. <see cref="ErrorKind.Declined"/> for 402).</summary>
    public ErrorKind Kind => Problems.KindOf(Status);

    /// <summary>An API refused the user's token: the web session is over and the person has to sign in again.</summary>
    public bool EndsSession => Status == StatusCodes.Status401Unauthorized && (Code == ProblemCodes.SessionRevoked || Code == ProblemCodes.Unauthenticated);

    /// <summary>
    /// The service's own sentence (the detail, else the title, else the code), as passed on to another API's caller. Pages show
    /// <c>L.Problem(problem)</c> (Components/Shared/Format.cs) instead, which words the web's own problems in the user's language.
    /// </summary>
    public string Message => !string.IsNullOrWhiteSpace(Detail) ? Detail : !string.IsNullOrWhiteSpace(Title) ? Title : Code;

    /// <summary>For <see cref="ProblemCodes.Unreachable"/>: the resource key naming the service (<c>Service_Catalog</c>…).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Service { get; init; }

    /// <summary>The web could not reach <paramref name="service"/> (a resource key; no answer, a timeout, an open circuit).</summary>
    public static ApiProblem Unreachable(string service) => new()
    {
        Code = ProblemCodes.Unreachable,
        Status = StatusCodes.Status503ServiceUnavailable,
        Service = service,
    };
}

/// <summary>
/// The problem codes the web acts on, as the services send them (each service's errors: services/Events.Api/Model/Errors.cs,
/// services/Bookings.Api/UseCases/BookingErrors.cs and Model/, services/Users.Api/Model/UserErrors.cs; the list in each
/// service's README). Any other code is shown with the problem's own words.
/// </summary>
public static class ProblemCodes
{
    /// <summary>Field errors (400), with <see cref="ApiProblem.Errors"/>.</summary>
    public const string Validation = Problems.ValidationCode;

    /// <summary>events-api (through bookings-api): not enough seats are left.</summary>
    public const string SoldOut = "sold-out";

    /// <summary>events-api (through bookings-api): the event is not published, is cancelled or has started.</summary>
    public const string NotOnSale = "not-on-sale";

    public const string EventNotFound = "event-not-found";

    /// <summary>events-api (through bookings-api): a line's type is outside its sales window.</summary>
    public const string TicketTypeNotOnSale = "ticket-type-not-on-sale";

    /// <summary>events-api (through bookings-api): more seats of a type than its per-order limit.</summary>
    public const string OverOrderLimit = "over-order-limit";

    /// <summary>events-api: an unknown type, another event's, or a hidden one the booking's promo code does not unlock.</summary>
    public const string TicketTypeNotFound = "ticket-type-not-found";

    /// <summary>events-api: a booking without lines on an event that sells several types.</summary>
    public const string TicketTypeRequired = "ticket-type-required";

    /// <summary>bookings-api: the promo code's types (scope or unlocked) include none of the booking's.</summary>
    public const string PromoCodeNotApplicable = "promo-code-not-applicable";

    /// <summary>bookings-api: an unknown or disabled code, or another event's (one answer).</summary>
    public const string PromoCodeInvalid = "promo-code-invalid";

    public const string PromoCodeExpired = "promo-code-expired";

    public const string PromoCodeNotYetValid = "promo-code-not-yet-valid";

    /// <summary>bookings-api: the code has no uses left.</summary>
    public const string PromoCodeUsedUp = "promo-code-used-up";

    /// <summary>events-api: a ticket type with seats held or sold cannot be removed.</summary>
    public const string HasSales = "has-sales";

    /// <summary>events-api: someone saved the thing (a venue plan) since it was read; read it again.</summary>
    public const string ConcurrentUpdate = "concurrent-update";

    /// <summary>events-api: the event is on no venue plan.</summary>
    public const string EventNotSeated = "event-not-seated";

    /// <summary>events-api (and bookings-api for a booking's seats): seats are held, sold or blocked (<c>seatIds</c> names them).</summary>
    public const string SeatNotAvailable = "seat-not-available";

    /// <summary>bookings-api (events-api's hold): no block of that many seats side by side is left and the split was not allowed.</summary>
    public const string SeatsNotTogether = "seats-not-together";

    /// <summary>events-api: an event's only ticket type cannot be removed.</summary>
    public const string LastTicketType = "last-ticket-type";

    /// <summary>events-api (passed on by bookings-api): the event's waiting room is on and the booking carried no pass.</summary>
    public const string QueuePassRequired = "queue-pass-required";

    /// <summary>events-api: the pass is not valid for this buyer and event, has expired, or was spent on another booking.</summary>
    public const string QueuePassInvalid = "queue-pass-invalid";

    public const string QueuePassExpired = "queue-pass-expired";

    public const string QueuePassUsed = "queue-pass-used";

    /// <summary>events-api: the buyer has no place in the event's line (never joined, left, or the pass was spent or expired).</summary>
    public const string NotInLine = "not-in-line";

    /// <summary>events-api: the event's waiting room is off (buy directly).</summary>
    public const string WaitingRoomOff = "waiting-room-off";

    public const string BookingNotFound = "booking-not-found";

    public const string Forbidden = "forbidden";

    /// <summary>bookings-api: only a verified address may hold seats (the alert offers the way to verify).</summary>
    public const string EmailNotVerified = "email-not-verified";

    /// <summary>users-api: unknown email, wrong password or locked account, alike.</summary>
    public const string InvalidCredentials = "invalid-credentials";

    /// <summary>Made by the web, never sent by a service: the service did not answer.</summary>
    public const string Unreachable = "service-unreachable";

    /// <summary>Made by the web: the answer carried no <c>code</c> (not a problem in the shared vocabulary).</summary>
    public const string Unknown = "unknown";

    /// <summary>Any API: the access token's session was ended (signed out elsewhere, password or roles changed).</summary>
    public static readonly string SessionRevoked = RevocationErrors.SessionRevoked.Code;

    /// <summary>Any API: no valid token (the framework's code for a bare 401).</summary>
    public const string Unauthenticated = "unauthenticated";
}
