using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace HostGrid.Storage.Tests;

/// <summary>Sends a silo's or client's warnings and errors to the test's output.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string source) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, $"{source} {categoryName}");

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, string prefix) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"[{logLevel}] {prefix}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished (a silo logging while it shuts down): nowhere to write.
            }
        }
    }
}
