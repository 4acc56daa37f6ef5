namespace Notifications.Benchmarks;

/// <summary>Receives what a <see cref="RawHubClient"/> parsed, on its receive loop: keep it cheap.</summary>
internal interface INotificationSink
{
    /// <param name="client">The client that received it.</param>
    /// <param name="id">The notification's id, UTF-8 (empty for the bare hub, which sends none).</param>
    /// <param name="title">Its title, UTF-8: the benchmarks put the publish's sequence number there.</param>
    void OnNotification(RawHubClient client, ReadOnlySpan<byte> id, ReadOnlySpan<byte> title);
}
