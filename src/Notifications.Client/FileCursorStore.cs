namespace Notifications.Client;

/// <summary>
/// A cursor kept in a file, so that a service that restarts resumes where it stopped. Writes go to a
/// temporary file that replaces the cursor file, so a crash never leaves half a cursor.
/// </summary>
public sealed class FileCursorStore : INotificationCursorStore
{
    private readonly string _path;

    /// <summary>Creates a store that keeps the cursor in <paramref name="path"/>.</summary>
    public FileCursorStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <inheritdoc />
    public async ValueTask<string?> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        var text = (await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false)).Trim();
        return text.Length == 0 ? null : text;
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cursor);
        // A temporary file of its own per write: concurrent saves never mix, the last one wins.
        var temporary = $"{_path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temporary, cursor, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, _path, overwrite: true);
    }
}
