using Notifications.Contract;
using Notifications.Server.Auth;
using Notifications.Server.Delivery;
using Notifications.Server.Storage;

namespace Notifications.Server.Withdrawals;

/// <summary>
/// Takes a notification back: the store marks it withdrawn and settles its deadline (so nothing
/// escalates), then its audiences and the admin consoles are told live. Screens that are offline
/// learn it from <c>Resume</c>'s <c>withdrawn</c> list.
/// </summary>
internal sealed partial class NotificationWithdrawal(
    INotificationLog log,
    IHubEventBus events,
    ILogger<NotificationWithdrawal> logger)
{
    /// <summary>The withdrawn notification, or null when it is unknown. Withdrawing again answers the first withdrawal.</summary>
    public async Task<Notification?> WithdrawAsync(NotificationId id, string by, CancellationToken cancellationToken)
    {
        var result = await log.WithdrawAsync(id, cancellationToken);
        if (result is null)
        {
            return null;
        }

        var notification = result.Notification;
        if (result.IsFirst)
        {
            LogWithdrawn(logger, notification.Id, by);
        }

        // Sent again on a repeated withdrawal too: a screen that missed the first one drops it now.
        await AnnounceAsync(notification);
        return notification;
    }

    /// <summary>
    /// The withdrawal is stored already, so a failed announcement is logged, not thrown: screens get it
    /// from Resume when they reconnect, and a repeated DELETE sends it again.
    /// </summary>
    private async Task AnnounceAsync(Notification notification)
    {
        var audiences = new List<string>(Audience.Of(notification.Target));
        if (!audiences.Contains(Audience.Role(HubRoles.Admin)))
        {
            audiences.Add(Audience.Role(HubRoles.Admin));
        }

        try
        {
            var withdrawal = new Withdrawal { Id = notification.Id, WithdrawnAt = notification.WithdrawnAt!.Value };
            await events.PublishAsync(new HubEvent(HubMethods.Withdrawn, withdrawal, audiences), CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogAnnounceFailed(logger, failure, notification.Id);
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "{NotificationId} withdrawn by {Sub}")]
    private static partial void LogWithdrawn(ILogger logger, string notificationId, string sub);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "The withdrawal of {NotificationId} is stored but could not be sent live; screens get it when they resume")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string notificationId);
}
