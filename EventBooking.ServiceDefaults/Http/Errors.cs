using System.Collections.Immutable;

namespace EventBooking.ServiceDefaults;

/// <summary>
/// What kind of "no" a rule says, in the domain's terms. The HTTP status is chosen from it once, at the API edge
/// (<see cref="Problems.StatusOf"/>), never in the model.
/// </summary>
public enum ErrorKind
{
    /// <summary>The request is malformed or a value breaks a rule of its own (400).</summary>
    Invalid,
    /// <summary>The caller is not signed in, or the credentials are wrong (401).</summary>
    Unauthenticated,
    /// <summary>A payment was declined (402).</summary>
    Declined,
    /// <summary>The caller may not do this (403).</summary>
    Forbidden,
    /// <summary>The thing does not exist, or not for this caller (404).</summary>
    NotFound,
    /// <summary>The thing's current state does not allow it: sold out, already paid, not on sale (409).</summary>
    Conflict,
    /// <summary>A precondition of the request does not hold any more (412).</summary>
    PreconditionFailed,
    /// <summary>Well formed, but cannot be processed as sent: an Idempotency-Key reused with another body (422).</summary>
    Unprocessable,
    /// <summary>Too many requests from this caller (429).</summary>
    TooMany,
    /// <summary>Not now: a dependency is out of reach or the service sheds load; nothing was done, retry later (503).</summary>
    Unavailable,
}

/// <summary>
/// One refusal: a stable, machine-readable <paramref name="Code"/> (kebab-case; it travels unchanged from the service that
/// said no through every hop to the web, as the problem's <c>code</c>), its <paramref name="Kind"/> and a sentence for people.
/// </summary>
public sealed record Error(string Code, ErrorKind Kind, string Detail)
{
    /// <summary>More members of the answer's problem for this refusal (e.g. the <c>paymentId</c> it is about).</summary>
    public ImmutableDictionary<string, object?> Members { get; init; } = ImmutableDictionary<string, object?>.Empty;

    /// <summary>This error with one more problem member.</summary>
    public Error With(string member, object? value) => this with { Members = Members.SetItem(member, value) };

    public static Error NotFound(string what) => new($"{what}-not-found", ErrorKind.NotFound, $"No such {what}.");

    public static Error Forbidden(string detail) => new("forbidden", ErrorKind.Forbidden, detail);

    public static Error Unavailable(string code, string detail) => new(code, ErrorKind.Unavailable, detail);
}

/// <summary>
/// The model's one way to say no: thrown by a rule, turned into a ProblemDetails by <see cref="ProblemExceptionHandler"/>
/// (status from the error's kind, the code as <c>code</c>), with nothing changed.
/// </summary>
public sealed class DomainException(Error error) : Exception(error.Detail)
{
    public DomainException(string code, ErrorKind kind, string detail) : this(new Error(code, kind, detail))
    {
    }

    public Error Error { get; } = error;
}
