using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>Publish requests as an admin script would send them.</summary>
internal static class Publishing
{
    public static JsonObject ToStores(params string[] stores) => Body(new JsonObject { ["stores"] = new JsonArray([.. stores.Select(s => JsonValue.Create(s))]) });

    public static JsonObject ToAll() => Body(new JsonObject { ["all"] = true });

    public static JsonObject To(string kind, params string[] ids) => Body(new JsonObject { [kind] = new JsonArray([.. ids.Select(s => JsonValue.Create(s))]) });

    public static JsonObject Body(JsonObject target) => new()
    {
        ["type"] = "price-change",
        ["title"] = "New prices for aisle 7",
        ["body"] = "Apply before 08:00",
        ["severity"] = "info",
        ["data"] = new JsonObject { ["aisle"] = 7 },
        ["target"] = target,
        ["requiresAck"] = true,
    };

    public static JsonObject With(this JsonObject body, string field, JsonNode? value)
    {
        body[field] = value;
        return body;
    }

    /// <summary>A deadline for acknowledging, with whom to tell when it is missed (the admins when null).</summary>
    public static JsonObject WithDeadline(this JsonObject body, int seconds, JsonObject? escalateTo = null)
    {
        body["requiresAck"] = true;
        body["ackDeadlineSeconds"] = seconds;
        if (escalateTo is not null)
        {
            body["escalateTo"] = escalateTo;
        }

        return body;
    }

    public static async Task<HttpResponseMessage> PostBatchAsync(HttpClient client, params JsonObject[] items)
    {
        var body = new JsonObject { ["items"] = new JsonArray([.. items.Select(i => i.DeepClone())]) };
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        return await client.PostAsync("/api/notifications/batch", content);
    }

    /// <summary>Withdraws, failing the test on anything but 204.</summary>
    public static async Task WithdrawAsync(HttpClient client, string id)
    {
        using var response = await client.DeleteAsync($"/api/notifications/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"expected 204, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The notification's status (<c>GET /api/notifications/{id}</c>), failing the test on anything but 200.</summary>
    public static async Task<JsonElement> StatusAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/notifications/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}");
        return await response.ReadJsonAsync();
    }

    /// <summary>An audience's history, oldest first (at most 1,000).</summary>
    public static async Task<IReadOnlyList<JsonElement>> HistoryAsync(HttpClient client, string audience)
    {
        using var response = await client.GetAsync($"/api/notifications?audience={Uri.EscapeDataString(audience)}&limit=1000");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}");
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray()];
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, JsonObject body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications")
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Publishes and returns the new id, failing the test on anything but 202.</summary>
    public static async Task<string> PublishAsync(HttpClient client, JsonObject body, string? idempotencyKey = null)
    {
        using var response = await PostAsync(client, body, idempotencyKey);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// Publishes as a careful back-office system does: with an idempotency key, retried after each
    /// 503 until accepted. Returns the id and how long the hub refused it.
    /// </summary>
    public static async Task<(string Id, TimeSpan Refused)> PublishUntilAcceptedAsync(HttpClient client, JsonObject body, string idempotencyKey, TimeSpan? giveUpAfter = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var refused = TimeSpan.Zero;
        while (true)
        {
            using var response = await PostAsync(client, body, idempotencyKey);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return (JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!, refused);
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 202 or 503, got {(int)response.StatusCode}: {text}");
            Assert.NotNull(response.Headers.RetryAfter);
            refused = started.Elapsed;
            Assert.True(started.Elapsed < (giveUpAfter ?? TimeSpan.FromSeconds(60)), $"still refused after {started.Elapsed.TotalSeconds:F0} s: {text}");

            // A short back-off rather than the full Retry-After, to measure when publishing works again.
            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>())!;
}
