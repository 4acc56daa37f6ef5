namespace Notifications.Server.Api;

/// <summary>The contract's limits on a publish request.</summary>
internal static class PublishLimits
{
    public const int MaxTitleLength = 200;
    public const int MaxBodyLength = 4_000;
    public const int MaxDataBytes = 16 * 1024;
    public const int MaxRequestBytes = 64 * 1024;
    public const int MaxTargetsPerList = 1_000;
    public const int MaxTtlSeconds = 30 * 24 * 3600;
    public const int MaxIdempotencyKeyLength = 255;
    public const int MaxAckDeadlineSeconds = 7 * 24 * 3600;
    public const int MaxBatchItems = 500;
    public const int MaxBatchRequestBytes = 1024 * 1024;
}
