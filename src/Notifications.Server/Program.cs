using Notifications.Server.Api;
using Notifications.Server.Auth;
using Notifications.Server.Composition;
using Notifications.Server.Deadlines;
using Notifications.Server.Delivery;
using Notifications.Server.Devices;
using Notifications.Server.Hub;
using Notifications.Server.Operations;
using Notifications.Server.Pages;
using Notifications.Server.Storage;
using Notifications.Server.Webhooks;
using Notifications.Server.Withdrawals;

if (TokenCommand.IsInvoked(args))
{
    return TokenCommand.Run(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddImplementations();
builder.AddRedactedRequestLogging();
builder.AddProxySupport();
builder.AddHubAuthentication();
builder.AddOriginCheck();
builder.AddNotificationStorage();
builder.AddNotificationHub();
builder.AddLiveDelivery();
builder.AddDeadlines();
builder.AddWithdrawals();
builder.AddWebhooks();
builder.AddNotificationsApi();
builder.AddDevices();
builder.AddHubHealthChecks();
builder.AddHubTelemetry();
builder.AddStorePages();

try
{
    await using var app = builder.Build();

    app.UseForwardedHeaders();
    app.UseHttpLogging();
    app.UseExceptionHandler();
    app.UseStatusCodeProblems();
    app.UseStorePages();
    app.UseOriginCheck();
    app.UseAuthentication();
    app.UseConnectionLimit();
    app.UseRateLimiter();
    app.UseAuthorization();

    app.MapNotificationHub();
    app.MapClientSettings();
    app.MapNotificationsApi();
    app.MapPresenceApi();
    app.MapDevices();
    app.MapDevelopmentTokens();
    app.MapHubHealthChecks();
    app.MapHubMetrics();
    app.MapOpenApi();
    app.MapStorePages();

    await app.RunAsync();
    return 0;
}
catch (Exception invalid) when (StartupFailure.IsBadSetting(invalid))
{
    // A bad setting is an operator's mistake, not a crash: say which and stop.
    await Console.Error.WriteLineAsync($"The hub cannot start: {StartupFailure.Describe(invalid)}");
    return 78;
}

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
