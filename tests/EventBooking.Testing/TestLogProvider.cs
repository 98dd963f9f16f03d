using Microsoft.Extensions.Logging;

namespace EventBooking.Testing;

/// <summary>Sends the AppHost's logs and every resource's console output to <see cref="TestLog"/> instead of the test runner's console.</summary>
public sealed class TestLogProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(ShortName(categoryName));

    public void Dispose()
    {
    }

    /// <summary><c>EventBooking.AppHost.Resources.bookings-api</c> → <c>bookings-api</c>; other categories keep their last segment.</summary>
    private static string ShortName(string category)
    {
        const string marker = ".Resources.";
        var index = category.IndexOf(marker, StringComparison.Ordinal);
        return index >= 0 ? category[(index + marker.Length)..] : category[(category.LastIndexOf('.') + 1)..];
    }

    private sealed class Logger(string source) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            TestLog.Write(source, exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception}");
        }
    }
}
