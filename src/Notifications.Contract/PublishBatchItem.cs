using System.Text.Json.Serialization;

namespace Notifications.Contract;

/// <summary>One notification of <c>POST /api/notifications/batch</c>: a publish body with its own idempotency key.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PublishBatchItem : PublishRequest
{
    /// <summary>Like the <c>Idempotency-Key</c> header of a single publish: reused within 24 h, it gives the first id and sends nothing again.</summary>
    public string? IdempotencyKey { get; init; }
}
