using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Notifications.Server.Tests.Cluster;

/// <summary>Enrolled screens on two nodes sharing Redis: signed in for as long as they run, signed out everywhere when revoked.</summary>
[Collection(SerialClusters.Name)]
[Trait(Tiers.Name, Tiers.Cluster)]
public sealed class DevicesAcrossNodes(ITestOutputHelper output)
{
    [Fact]
    public async Task AScreenEnrolledOnOneNodeOutlivesSeveralTokenExpiriesOnTheOtherAndIsClosedThereWithinFiveSecondsOfItsRevocation()
    {
        // Access tokens of ten seconds: the hub closes a connection whose token expires, and the
        // screen reconnects with a fresh one from its secret.
        await using var cluster = await Infrastructure.Cluster.StartAsync(nodes: 2, environment: new Dictionary<string, string>
        {
            ["Auth__DeviceTokenMinutes"] = (10.0 / 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var one = Infrastructure.Cluster.Client(cluster.Node(1), cluster.AdminToken());
        using var two = Infrastructure.Cluster.Client(cluster.Node(2));
        using var enrolment = await one.PostAsJsonAsync("/api/devices", new DeviceEnrolment { Name = "Paris 42, back office", Stores = ["fr-0042"] });
        Assert.Equal(HttpStatusCode.Created, enrolment.StatusCode);
        var device = (await enrolment.Content.ReadFromJsonAsync<EnrolledDevice>())!;

        var exchanges = 0;
        async Task<string?> FreshTokenAsync()
        {
            using var response = await two.PostAsJsonAsync("/auth/device-token", new DeviceTokenRequest(device.Secret));
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref exchanges);
            return (await response.Content.ReadFromJsonAsync<DeviceToken>())!.AccessToken;
        }

        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.Node(2), HubRoutes.Notifications), o => o.AccessTokenProvider = FreshTokenAsync)
            .WithAutomaticReconnect(new FixedRetry())
            .Build();
        await using var screen = await Dashboard.StartAsync(connection);

        // Notifications throughout three expiries of its token: until the screen has come back after the
        // third (its first Resume and one per reconnect), which ten-second tokens bring in about 30 s.
        var published = new List<string>();
        var started = Stopwatch.StartNew();
        while (screen.Resumes < 4)
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"{screen.Resumes - 1} reconnects in {started.Elapsed.TotalSeconds:F0} s: the screen did not come back after each expiry of its token");
            published.Add(await Publishing.PublishAsync(one, Publishing.ToStores("fr-0042")));
            await Task.Delay(TimeSpan.FromSeconds(1)); // one a second: the pace of the stream, not a wait for a condition
        }

        await screen.WaitForCountAsync(published.Count, TimeSpan.FromSeconds(20));
        Assert.Equal(published, screen.Arrivals);
        Assert.True(exchanges >= 4, $"{exchanges} tokens: one from its secret for each connection");

        // Dropped by the hub: the client then tries to reconnect, and is refused.
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnecting += _ =>
        {
            dropped.TrySetResult();
            return Task.CompletedTask;
        };
        connection.Closed += _ =>
        {
            dropped.TrySetResult();
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        var revokedAt = Stopwatch.StartNew();
        using (var revoke = await one.DeleteAsync($"/api/devices/{device.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        // Closed on node 2 within 5 s, and its reconnection refused: the client gives up.
        await dropped.Task.WithTimeout(TimeSpan.FromSeconds(10));
        var droppedAfter = revokedAt.Elapsed;
        Assert.True(droppedAfter < TimeSpan.FromSeconds(5), $"dropped {droppedAfter.TotalSeconds:F1} s after the revocation");
        await closed.Task.WithTimeout(TimeSpan.FromSeconds(10));
        using (var refused = await two.PostAsJsonAsync("/auth/device-token", new DeviceTokenRequest(device.Secret)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        output.WriteLine($"a screen with 10 s tokens stayed for {started.Elapsed.TotalSeconds:F0} s ({exchanges} token exchanges, {screen.Resumes} resumes), " +
            $"got all {published.Count}; revoked on node 1, dropped on node 2 {droppedAfter.TotalSeconds:F1} s later and refused");
    }

    private sealed class FixedRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => retryContext.PreviousRetryCount < 5 ? TimeSpan.FromMilliseconds(200) : null;
    }
}
