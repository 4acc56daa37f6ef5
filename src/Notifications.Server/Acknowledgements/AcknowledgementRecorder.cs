using Notifications.Contract;
using Notifications.Server.Auth;
using Notifications.Server.Delivery;
using Notifications.Server.Operations;
using Notifications.Server.Storage;

namespace Notifications.Server.Acknowledgements;

/// <summary>Records that a user (and its stores) has read or handled a notification, from the hub or REST.</summary>
internal sealed partial class AcknowledgementRecorder(
    INotificationLog log,
    HubMetrics metrics,
    TimeProvider time,
    IHubEventBus events,
    ILogger<AcknowledgementRecorder> logger)
{
    public async Task<AcknowledgeOutcome> AcknowledgeAsync(Caller caller, string? id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!NotificationId.TryParse(id, out var notificationId))
        {
            return AcknowledgeOutcome.MalformedId;
        }

        var notification = await log.GetAsync(notificationId, cancellationToken);
        if (notification is null)
        {
            return AcknowledgeOutcome.UnknownId;
        }

        if (!caller.IsAddressedBy(notification.Target))
        {
            return AcknowledgeOutcome.NotAddressed;
        }

        var acknowledgement = new Acknowledgement(caller.Sub, caller.Stores, time.GetUtcNow().UtcDateTime);
        if (!await log.AcknowledgeAsync(notificationId, acknowledgement, cancellationToken))
        {
            return AcknowledgeOutcome.AlreadyRecorded;
        }

        metrics.Acknowledged();
        LogAcknowledged(logger, notification.Id, caller.Sub, caller.Stores.Count);
        await AnnounceAsync(notification.Id, acknowledgement);
        return AcknowledgeOutcome.Recorded;
    }

    /// <summary>
    /// Tells admin consoles and the store's other screens. The acknowledgement is already stored, so a
    /// failed announcement is logged, not thrown: consoles read the stored status when they load.
    /// </summary>
    private async Task AnnounceAsync(string id, Acknowledgement acknowledgement)
    {
        var audiences = new List<string>(acknowledgement.Stores.Count + 1) { Audience.Role(HubRoles.Admin) };
        audiences.AddRange(acknowledgement.Stores.Select(Audience.Store));
        try
        {
            var announcement = new AcknowledgementEvent(id, acknowledgement.Sub, acknowledgement.Stores, acknowledgement.At);
            await events.PublishAsync(new HubEvent(HubMethods.Acknowledged, announcement, audiences), CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogAnnounceFailed(logger, failure, id);
        }
    }

    /// <summary>The reason a caller is given when an acknowledgement is refused.</summary>
    public static string Describe(AcknowledgeOutcome outcome, string? id) => outcome switch
    {
        AcknowledgeOutcome.MalformedId => $"'{id}' is not a notification id: expected '{{milliseconds}}-{{sequence}}' as in Notification.id.",
        AcknowledgeOutcome.UnknownId => $"Unknown notification id '{id}': it was never issued or is no longer retained.",
        AcknowledgeOutcome.NotAddressed => $"Notification '{id}' is not addressed to you, so you cannot acknowledge it.",
        _ => "Acknowledged.",
    };

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Sub} acknowledged {NotificationId} for {StoreCount} stores")]
    private static partial void LogAcknowledged(ILogger logger, string notificationId, string sub, int storeCount);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The acknowledgement of {NotificationId} is stored but could not be announced to consoles")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string notificationId);
}
