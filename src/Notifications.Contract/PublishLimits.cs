namespace Notifications.Contract;

/// <summary>The contract's limits on what may be published: the hub enforces them, clients may check first.</summary>
public static class PublishLimits
{
    /// <summary>Characters of <c>title</c>.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>Characters of <c>body</c>.</summary>
    public const int MaxBodyLength = 4_000;

    /// <summary>Bytes of <c>data</c>, as UTF-8 JSON.</summary>
    public const int MaxDataBytes = 16 * 1024;

    /// <summary>Bytes of a <c>POST /api/notifications</c> request.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>Ids in each list of a target.</summary>
    public const int MaxTargetsPerList = 1_000;

    /// <summary>Seconds of <c>ttlSeconds</c> (30 days).</summary>
    public const int MaxTtlSeconds = 30 * 24 * 3600;

    /// <summary>Characters of an idempotency key (visible ASCII).</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Seconds of <c>ackDeadlineSeconds</c> (7 days).</summary>
    public const int MaxAckDeadlineSeconds = 7 * 24 * 3600;

    /// <summary>Items of a batch publish.</summary>
    public const int MaxBatchItems = 500;

    /// <summary>Bytes of a <c>POST /api/notifications/batch</c> request.</summary>
    public const int MaxBatchRequestBytes = 1024 * 1024;
}
