using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>Every log line the app writes, formatted, with its category and structured values.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            entries.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), exception?.ToString(), values.ToList()));
        }
    }
}

internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, string? Exception, IReadOnlyList<KeyValuePair<string, object?>> Values)
{
    public string AllText => $"{Message} {Exception} {string.Join(' ', Values.Select(v => $"{v.Key}={v.Value}"))}";
}
