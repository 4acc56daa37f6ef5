namespace Notifications.Client;

/// <summary>
/// Keeps the greatest notification id the client has delivered, so that a client that restarts
/// resumes where it stopped instead of from now.
/// </summary>
public interface INotificationCursorStore
{
    /// <summary>The saved cursor, or null when there is none yet.</summary>
    ValueTask<string?> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Saves <paramref name="cursor"/>; called after each notification's handlers have run.</summary>
    ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default);
}
