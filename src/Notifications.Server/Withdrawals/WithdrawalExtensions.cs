namespace Notifications.Server.Withdrawals;

internal static class WithdrawalExtensions
{
    /// <summary>Withdrawing notifications (the REST endpoint lives with the notifications API).</summary>
    public static WebApplicationBuilder AddWithdrawals(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NotificationWithdrawal>();
        return builder;
    }
}
