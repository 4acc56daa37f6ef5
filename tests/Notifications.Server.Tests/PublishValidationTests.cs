using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>Every bad publish gets 400 naming the field, and nothing is stored or sent.</summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class PublishValidationTests : HubTest
{
    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"type":"t","title":"%TITLE201%","severity":"info","target":{"all":true}}""", "title" },
        { """{"type":"t","title":"ok","body":"%BODY4001%","severity":"info","target":{"all":true}}""", "body" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"data":%DATA16385%}""", "data" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"data":[1,2]}""", "data" },
        { """{"type":"t","title":"ok","severity":"urgent","target":{"all":true}}""", "severity" },
        { """{"type":"t","title":"ok","target":{"all":true}}""", "severity" },
        { """{"type":"t","title":"ok","severity":"info","target":{}}""", "target" },
        { """{"type":"t","title":"ok","severity":"info","target":{"stores":[],"regions":[]}}""", "target" },
        { """{"type":"t","title":"ok","severity":"info"}""", "target" },
        { """{"type":"t","title":"ok","severity":"info","target":{"stores":["fr 0042"]}}""", "target.stores" },
        { """{"type":"t","title":"ok","severity":"info","target":{"regions":["%ID65%"]}}""", "target.regions" },
        { """{"type":"price change","title":"ok","severity":"info","target":{"all":true}}""", "type" },
        { """{"title":"ok","severity":"info","target":{"all":true}}""", "type" },
        { """{"type":"t","title":"   ","severity":"info","target":{"all":true}}""", "title" },
        { """{"type":"t","title":42,"severity":"info","target":{"all":true}}""", "title" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":"yes"}}""", "target.all" },
        { """{"type":"t","title":"ok","severity":"info","target":{"stores":"fr-0042"}}""", "target.stores" },
        { """{"type":"t","title":"ok","severity":"info","target":{"stores":[1]}}""", "target.stores" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"requiresAck":"true"}""", "requiresAck" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"ttlSeconds":"60"}""", "ttlSeconds" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"ttlSeconds":0}""", "ttlSeconds" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"ttlSeconds":60,"expiresAt":"2099-01-01T00:00:00Z"}""", "ttlSeconds" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"expiresAt":"2001-01-01T00:00:00Z"}""", "expiresAt" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"expiresAt":"tomorrow"}""", "expiresAt" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"id":"1-0"}""", "id" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true},"requireAck":true}""", "requireAck" },
        { """{"type":"t","title":"ok","severity":"info","target":{"all":true,"shops":["x"]}}""", "target.shops" },
        { """{"type":"t","title":"ok",""", "body" },
        { "[1,2,3]", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task InvalidPublishIsRefusedWithProblemDetailsNamingTheField(string template, string field)
    {
        await using var dashboard = await Infrastructure.Dashboard.ConnectAsync(App, App.Token("screen-1", stores: ["fr-0042"], roles: ["dashboard"]));
        var body = template
            .Replace("%TITLE201%", new string('t', 201), StringComparison.Ordinal)
            .Replace("%BODY4001%", new string('b', 4001), StringComparison.Ordinal)
            .Replace("%DATA16385%", DataOfBytes(16 * 1024 + 1), StringComparison.Ordinal)
            .Replace("%ID65%", new string('r', 65), StringComparison.Ordinal);

        using var response = await Admin.PostAsync("/api/notifications", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"errors should name '{field}': {errors}");
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        await AssertNothingWasStoredAsync();

        // Sent after the refused one: once the marker is shown, anything sent before it would be too.
        var marker = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));
        await dashboard.WaitForAsync(marker);
        Assert.Equal([marker], dashboard.Arrivals);
    }

    [Fact]
    public async Task LimitsAreInclusive()
    {
        var body = Publishing.ToAll()
            .With("title", new string('t', 200))
            .With("body", new string('b', 4000))
            .With("data", JsonNode.Parse(DataOfBytes(16 * 1024)));

        var id = await Publishing.PublishAsync(Admin, body);

        Assert.False(string.IsNullOrEmpty(id));
    }

    [Fact]
    public async Task EveryBadFieldIsNamedAtOnce()
    {
        var body = """{"type":"bad type","title":"","severity":"loud","target":{}}""";
        using var response = await Admin.PostAsync("/api/notifications", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal(["severity", "target", "title", "type"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MalformedIdempotencyKeyIsRefused()
    {
        using var response = await Publishing.PostAsync(Admin, Publishing.ToAll(), idempotencyKey: new string('k', 256));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        await AssertNothingWasStoredAsync();
    }

    [Fact]
    public async Task MalformedNotificationIdIsRefusedWith400AndUnknownIdWith404()
    {
        using var malformed = await Admin.GetAsync("/api/notifications/not-an-id");
        using var unknown = await Admin.GetAsync("/api/notifications/1-0");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await malformed.ReadJsonAsync()).GetProperty("errors").TryGetProperty("id", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Unknown notification id", (await unknown.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublishWithoutABodyIsRefusedWithProblemDetailsNamingTheBodyAndNoFrameworkText()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new("application/json");
        using var response = await Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Implicit body", text, StringComparison.Ordinal);
        Assert.DoesNotContain("parameter", text, StringComparison.Ordinal);
        Assert.True(System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty("body", out _), text);
        await AssertNothingWasStoredAsync();
    }

    [Fact]
    public async Task HistoryQueryErrorsNameTheirParameters()
    {
        using var response = await Admin.GetAsync("/api/notifications?audience=shop:1&after=yesterday&limit=1001");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal(["after", "audience", "limit"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ABadRequestDoesNotDisturbTheNextGoodOne()
    {
        using var bad = await Admin.PostAsync("/api/notifications", new StringContent("{\"title\":", System.Text.Encoding.UTF8, "application/json"));
        var id = await Publishing.PublishAsync(Admin, Publishing.ToStores("fr-0042"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var status = await Admin.GetAsync($"/api/notifications/{id}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    private async Task AssertNothingWasStoredAsync()
    {
        var history = await (await Admin.GetAsync("/api/notifications?audience=all")).ReadJsonAsync();
        var store = await (await Admin.GetAsync("/api/notifications?audience=store:fr-0042")).ReadJsonAsync();
        Assert.Equal(0, history.GetProperty("items").GetArrayLength());
        Assert.Equal(0, store.GetProperty("items").GetArrayLength());
    }

    // A JSON object whose serialized size is exactly `bytes`.
    private static string DataOfBytes(int bytes)
    {
        var overhead = JsonSerializer.Serialize(new { pad = string.Empty }).Length;
        return JsonSerializer.Serialize(new { pad = new string('x', bytes - overhead) });
    }
}
