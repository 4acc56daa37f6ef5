namespace Notifications.Server.Storage;

/// <summary>
/// The store (or the backplane behind it) cannot be reached. Nothing was accepted; the API
/// answers 503 with Retry-After so that callers try again.
/// </summary>
internal sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What the 503 tells the caller, when it is more than "cannot be reached; nothing was accepted".</summary>
    public string? Detail { get; init; }

    /// <summary>How long callers should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
