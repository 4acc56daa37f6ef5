using System.Text.Json.Serialization;

namespace Notifications.Contract;

/// <summary>The body of <c>POST /api/notifications/batch</c>: 1 to 500 notifications, stored all or nothing.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PublishBatchRequest
{
    /// <summary>The notifications, in the order their ids are given.</summary>
    public IReadOnlyList<PublishBatchItem>? Items { get; init; }
}
