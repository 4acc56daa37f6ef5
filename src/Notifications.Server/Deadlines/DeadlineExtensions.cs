using Notifications.Server.Operations;

namespace Notifications.Server.Deadlines;

internal static class DeadlineExtensions
{
    /// <summary>Acknowledgement deadlines: every node watches the store's schedule and escalates what is missed.</summary>
    public static WebApplicationBuilder AddDeadlines(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DeadlineOptions>(DeadlineOptions.SectionName);
        builder.Services.AddSingleton<DeadlineWakeup>();
        builder.Services.AddHostedService<DeadlineWatch>();
        return builder;
    }
}
