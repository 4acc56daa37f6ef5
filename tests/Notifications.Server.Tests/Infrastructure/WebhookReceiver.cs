using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>One POST as a webhook receiver got it: its signature headers and its raw body.</summary>
internal sealed record ReceivedWebhook(string? Id, string? Timestamp, string? Signature, string Body);

/// <summary>A webhook endpoint on 127.0.0.1 that answers 204 and keeps every delivery for the test to read.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received;

    private WebhookReceiver(WebApplication app, Channel<ReceivedWebhook> received, Uri url)
    {
        _app = app;
        _received = received;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var received = Channel.CreateUnbounded<ReceivedWebhook>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            await received.Writer.WriteAsync(new ReceivedWebhook(
                request.Headers["webhook-id"],
                request.Headers["webhook-timestamp"],
                request.Headers["webhook-signature"],
                body));
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new WebhookReceiver(app, received, new Uri(new Uri(address), "/hooks"));
    }

    /// <summary>The next delivery, or a failed test after <paramref name="timeout"/>.</summary>
    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        try
        {
            return await _received.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("No webhook arrived in time.");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
