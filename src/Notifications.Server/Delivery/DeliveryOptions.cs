namespace Notifications.Server.Delivery;

/// <summary>Section <c>Delivery</c>.</summary>
internal sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// Fault injection for the cluster tests: store and answer 202 but never send, as a node that
    /// dies right after storing would. Refused at start in Production.
    /// </summary>
    public bool SimulateCrashBeforeSend { get; set; }
}
