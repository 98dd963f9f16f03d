namespace Events.Api.Model;

/// <summary>What a signal records. The numbers are stored: never renumber.</summary>
public enum SignalKind
{
    /// <summary>Someone opened the event's page (its details were read).</summary>
    View = 0,

    /// <summary>
    /// The event was on a page of search or list results someone was shown; one stored impression carries how many times in
    /// its <see cref="Signal.Quantity"/> (the writer folds a batch's impressions of one event into one row).
    /// </summary>
    Impression = 1,

    /// <summary>Someone searched the catalog (no event; the text only for a signed-in user, as their own activity).</summary>
    Search = 2,

    /// <summary>A booking was paid (booking.confirmed): its seats and amount.</summary>
    Purchase = 3,

    /// <summary>A booking was cancelled (booking.cancelled): its seats and the refund.</summary>
    Cancellation = 4,
}

/// <summary>
/// One thing that happened, as analytics keeps it. <see cref="UserId"/> is the signed-in person, <see cref="VisitorId"/> the
/// web's anonymous visitor cookie (a random id, never an address); <see cref="BookingId"/> makes a purchase or cancellation
/// count once however often its message arrives.
/// </summary>
public sealed record Signal(
    SignalKind Kind, Guid? EventId, Guid? UserId, Guid? VisitorId, DateTimeOffset OccurredAt, int Quantity = 1,
    decimal? Amount = null, string? Currency = null, string? Query = null, Guid? BookingId = null, int? Results = null);

/// <summary>The width of one point of a time series.</summary>
public enum AnalyticsBucket
{
    Hour,
    Day,
}

/// <summary>The period a report covers, <c>[From, To)</c>, cut into buckets of one hour or one day (UTC).</summary>
public sealed record AnalyticsWindow(DateTimeOffset From, DateTimeOffset To, AnalyticsBucket Bucket)
{
    /// <summary>The default period: the last 30 days.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(30);

    /// <summary>At most this many points in a series (31 days of hours, or about three years of days).</summary>
    public const int MaxPoints = 1_100;

    /// <summary>
    /// The window asked for, or the field errors (<c>from</c>, <c>to</c>, <c>bucket</c>) that refuse it. Without <paramref name="from"/>
    /// it starts <see cref="DefaultLength"/> before its end, or at <paramref name="earliest"/> (the event's creation) when that is later.
    /// </summary>
    public static (AnalyticsWindow? Window, Dictionary<string, string[]> Errors) Parse(
        DateTimeOffset? from, DateTimeOffset? to, string? bucket, DateTimeOffset now, DateTimeOffset? earliest = null)
    {
        var errors = new Dictionary<string, string[]>();
        var end = (to ?? now).ToUniversalTime();
        var start = (from ?? (earliest is { } e && e > end - DefaultLength && e < end ? e : end - DefaultLength)).ToUniversalTime();
        if (end <= start)
        {
            errors["to"] = ["Must be after 'from'."];
        }

        AnalyticsBucket? width = bucket switch
        {
            null or "" => end - start <= TimeSpan.FromDays(3) ? AnalyticsBucket.Hour : AnalyticsBucket.Day,
            "hour" => AnalyticsBucket.Hour,
            "day" => AnalyticsBucket.Day,
            _ => null,
        };
        if (width is null)
        {
            errors["bucket"] = ["One of: hour, day."];
        }
        else if (end > start && Points(Floor(start, width.Value), end, width.Value) > MaxPoints)
        {
            errors[bucket is null or "" ? "from" : "bucket"] = [$"At most {MaxPoints} points: choose a shorter period or daily buckets."];
        }

        return errors.Count > 0 ? (null, errors) : (new AnalyticsWindow(start, end, width!.Value), errors);
    }

    public TimeSpan Step => Bucket == AnalyticsBucket.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);

    /// <summary>The start of the bucket <paramref name="instant"/> falls in (UTC).</summary>
    public static DateTimeOffset Floor(DateTimeOffset instant, AnalyticsBucket bucket)
    {
        var utc = instant.ToUniversalTime();
        return bucket == AnalyticsBucket.Hour
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Every bucket's start, from the one holding <see cref="From"/> to the one holding the last instant before <see cref="To"/>.</summary>
    public IEnumerable<DateTimeOffset> BucketStarts()
    {
        for (var at = Floor(From, Bucket); at < To; at += Step)
        {
            yield return at;
        }
    }

    private static long Points(DateTimeOffset start, DateTimeOffset end, AnalyticsBucket bucket) =>
        (long)Math.Ceiling((end - start) / (bucket == AnalyticsBucket.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1)));
}

/// <summary>One kind's figures in one bucket: how many signals, their seats, their amounts (purchases: paid; cancellations: refunded).</summary>
public sealed record SignalBucket(SignalKind Kind, DateTimeOffset Start, long Count, long Quantity, decimal Amount);

/// <summary>Holds placed on the event in one bucket (from the inventory's own holds, whatever became of them).</summary>
public sealed record HoldBucket(DateTimeOffset Start, long Holds, long Seats);

/// <summary>What a store reads for an event's report: per-bucket figures, distinct visitors, and the signals lost on the way.</summary>
public sealed record EventAnalyticsData(
    IReadOnlyList<SignalBucket> Signals, IReadOnlyList<HoldBucket> Holds, long UniqueVisitors, long DroppedSignals);

/// <summary>The conversion funnel: views → holds (bookings started) → purchases (bookings paid), with the rate of each step.</summary>
public sealed record Funnel(long Views, long Holds, long Purchases)
{
    /// <summary>Purchases per view (0–1), null without views.</summary>
    public double? Conversion => Views == 0 ? null : Math.Round((double)Purchases / Views, 4);

    /// <summary>Holds per view (0–1, or above 1 when bookings come from elsewhere than a page view), null without views.</summary>
    public double? ViewToHold => Views == 0 ? null : Math.Round((double)Holds / Views, 4);

    /// <summary>Purchases per hold (0–1), null without holds.</summary>
    public double? HoldToPurchase => Holds == 0 ? null : Math.Round((double)Purchases / Holds, 4);
}
