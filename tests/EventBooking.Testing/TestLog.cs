using Microsoft.Extensions.Logging;

namespace EventBooking.Testing;

/// <summary>Collects server output in a file beside the test results instead of the console.</summary>
public static class TestLog
{
    private static readonly Lock Gate = new();
    private static readonly string FilePath = System.IO.Path.Combine(AppContext.BaseDirectory, "server-output.log");

    public static string Path => FilePath;

    public static void Write(string source, string line)
    {
        lock (Gate)
        {
            File.AppendAllText(FilePath, $"{DateTime.UtcNow:HH:mm:ss.fff} {source,-18}| {line}{Environment.NewLine}");
        }
    }
}

/// <summary>
/// Sends logs to <see cref="TestLog"/> instead of the test runner's console: the AppHost's and every resource's console
/// output under the resource's name, or, with <paramref name="source"/>, everything a host of the test itself logs under that
/// name (with level and category, e.g. one of several hosts in a messaging test).
/// </summary>
public sealed class TestLogProvider(string? source = null) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(source ?? ShortName(categoryName), source is null ? null : categoryName);

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

    private sealed class Logger(string source, string? category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = category is null ? formatter(state, exception) : $"{logLevel} {category}: {formatter(state, exception)}";
            TestLog.Write(source, exception is null ? text : $"{text} {exception}");
        }
    }
}
