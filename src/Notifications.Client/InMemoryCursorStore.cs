namespace Notifications.Client;

/// <summary>A cursor kept for the life of the process (the default): a restarted client starts from now.</summary>
public sealed class InMemoryCursorStore : INotificationCursorStore
{
    private volatile string? _cursor;

    /// <summary>Creates a store, optionally with a cursor to resume from.</summary>
    public InMemoryCursorStore(string? cursor = null) => _cursor = cursor;

    /// <inheritdoc />
    public ValueTask<string?> LoadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_cursor);

    /// <inheritdoc />
    public ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default)
    {
        _cursor = cursor;
        return ValueTask.CompletedTask;
    }
}
