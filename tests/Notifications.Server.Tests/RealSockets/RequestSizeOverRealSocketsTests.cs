using System.Net;
using System.Text;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.RealSockets;

/// <summary>The 64 KiB request limit, enforced by Kestrel itself on a real socket.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class RequestSizeOverRealSocketsTests : HubTest
{
    private protected override HubApplication CreateApp() => new HubApplication().UseRealSockets();

    [Fact]
    public async Task ARequestOfExactly64KiBIsAcceptedAndOneByteMoreIsRefusedWith413()
    {
        using var admin = App.CreateClient(App.AdminToken());

        using var atLimit = await admin.PostAsync("/api/notifications", Padded(64 * 1024));
        using var overLimit = await admin.PostAsync("/api/notifications", Padded((64 * 1024) + 1));

        Assert.Equal(HttpStatusCode.Accepted, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overLimit.StatusCode);
        Assert.Equal("application/problem+json", overLimit.Content.Headers.ContentType?.MediaType);
        Assert.Contains("65,536 bytes", (await overLimit.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var history = await (await admin.GetAsync("/api/notifications?audience=store:fr-0042")).ReadJsonAsync();
        Assert.Equal(1, history.GetProperty("items").GetArrayLength());
    }

    // A valid publish body padded with JSON whitespace to exactly `bytes` bytes.
    private static StringContent Padded(int bytes)
    {
        var json = Publishing.ToStores("fr-0042").ToJsonString();
        var body = json[..^1] + new string(' ', bytes - Encoding.UTF8.GetByteCount(json)) + "}";
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(body));
        return new StringContent(body, Encoding.UTF8, "application/json");
    }
}
