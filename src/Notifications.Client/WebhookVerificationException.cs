namespace Notifications.Client;

/// <summary>Why <see cref="WebhookSignature.Verify"/> refused a delivery.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>No <c>v1</c> signature matches: another secret signed it, or the body (or id, or timestamp) was changed.</summary>
    NoMatchingSignature,

    /// <summary><c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> is missing.</summary>
    MissingHeader,

    /// <summary><c>webhook-timestamp</c> is not a whole number of unix seconds.</summary>
    InvalidTimestamp,

    /// <summary><c>webhook-timestamp</c> is further from now than the tolerance: a replay, or a clock out of step.</summary>
    TimestampOutOfTolerance,
}

/// <summary>A webhook delivery failed verification: do not act on it (answer 400 or 401).</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the exception for a failure.</summary>
    public WebhookVerificationException(WebhookVerificationFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>Creates the exception (its <see cref="Failure"/> is <see cref="WebhookVerificationFailure.NoMatchingSignature"/>).</summary>
    public WebhookVerificationException()
    {
    }

    /// <summary>Creates the exception with a message (its <see cref="Failure"/> is <see cref="WebhookVerificationFailure.NoMatchingSignature"/>).</summary>
    public WebhookVerificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public WebhookVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the delivery was refused.</summary>
    public WebhookVerificationFailure Failure { get; }
}
