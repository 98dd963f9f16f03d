namespace EventBooking.ServiceDefaults;

/// <summary>Names of the EventBooking-wide activity source and meter.</summary>
public static class Telemetry
{
    public const string EventBookingActivitySourceName = "EventBooking";
    public const string EventBookingMeterName = "EventBooking";
}
