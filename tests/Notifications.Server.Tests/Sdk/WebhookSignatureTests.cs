using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Notifications.Client;
using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;
using StandardWebhooks;

namespace Notifications.Server.Tests.Sdk;

/// <summary>
/// The SDK's webhook verifier: the Standard Webhooks specification's own example, the ways a delivery
/// must be refused, and agreement with the StandardWebhooks package the hub signs with
/// (a real delivery from the hub: <see cref="WebhookFromTheHubTests"/>).
/// </summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class WebhookSignatureTests
{
    // The example of the Standard Webhooks specification (the signature recomputed independently
    // with HMAC-SHA256 over "id.timestamp.body", keyed with the base64-decoded secret).
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Timestamp = "1614265330";
    private const string Body = "{\"test\": 2432232314}";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void TheSpecificationsExampleVerifiesAndSignsToTheSameValue()
    {
        WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt));

        Assert.Equal(Signature, WebhookSignature.Sign(Secret, MessageId, SignedAt, Body));
        Assert.Equal(Signature, WebhookSignature.Sign(Secret["whsec_".Length..], MessageId, SignedAt, Body));
    }

    [Fact]
    public void ATamperedBodyIsRefused()
    {
        var refused = Refused(() => WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, "{\"test\": 2432232315}", new ManualClock(SignedAt)));

        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, refused.Failure);
    }

    [Fact]
    public void ASignatureForAnotherIdOrTimestampIsRefused()
    {
        var clock = new ManualClock(SignedAt);

        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, Refused(() => WebhookSignature.Verify(Secret, "msg_other", Timestamp, Signature, Body, clock)).Failure);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, Refused(() => WebhookSignature.Verify(Secret, MessageId, "1614265331", Signature, Body, clock)).Failure);
    }

    [Fact]
    public void AWrongSecretIsRefused()
    {
        var other = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

        var refused = Refused(() => WebhookSignature.Verify(other, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt)));

        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, refused.Failure);
    }

    [Fact]
    public void AStaleOrFutureTimestampIsRefusedAndTheToleranceIsFiveMinutesUnlessToldOtherwise()
    {
        WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt.AddMinutes(5)));
        WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt.AddMinutes(-5)));

        var stale = Refused(() => WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt.AddMinutes(5).AddSeconds(1))));
        var future = Refused(() => WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt.AddMinutes(-6))));
        var tighter = Refused(() => WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt.AddSeconds(31)), TimeSpan.FromSeconds(30)));
        WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body, new ManualClock(SignedAt.AddHours(1)), TimeSpan.FromHours(2));

        Assert.Equal(WebhookVerificationFailure.TimestampOutOfTolerance, stale.Failure);
        Assert.Contains("301 s old", stale.Message, StringComparison.Ordinal);
        Assert.Equal(WebhookVerificationFailure.TimestampOutOfTolerance, future.Failure);
        Assert.Contains("in the future", future.Message, StringComparison.Ordinal);
        Assert.Equal(WebhookVerificationFailure.TimestampOutOfTolerance, tighter.Failure);

        // Without a clock of its own, the real clock judges: the specification's example is years old.
        Assert.Equal(WebhookVerificationFailure.TimestampOutOfTolerance, Refused(() => WebhookSignature.Verify(Secret, MessageId, Timestamp, Signature, Body)).Failure);
    }

    [Fact]
    public void AnyOfSeveralSignaturesMayMatch()
    {
        var clock = new ManualClock(SignedAt);
        var rotatedOut = WebhookSignature.Sign("whsec_" + Convert.ToBase64String(new byte[32]), MessageId, SignedAt, Body);

        // As during a secret rotation: the old key's signature first, then other versions, then ours.
        WebhookSignature.Verify(Secret, MessageId, Timestamp, $"{rotatedOut} v1a,c2lnbmVk v1,not-base64 {Signature}", Body, clock);
        WebhookSignature.Verify(Secret, MessageId, Timestamp, $"{Signature} {rotatedOut}", Body, clock);

        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, Refused(() => WebhookSignature.Verify(Secret, MessageId, Timestamp, $"{rotatedOut} v1a,{Signature[3..]}", Body, clock)).Failure);
    }

    [Fact]
    public void MissingOrMalformedHeadersAreRefusedAndABadSecretIsTheCallersMistake()
    {
        var clock = new ManualClock(SignedAt);

        var missing = Refused(() => WebhookSignature.Verify(Secret, MessageId, null, "", Body, clock));
        var malformed = Refused(() => WebhookSignature.Verify(Secret, MessageId, "2021-02-26T00:00:00Z", Signature, Body, clock));
        var badSecret = Assert.Throws<ArgumentException>(() => WebhookSignature.Verify("whsec_not base64!", MessageId, Timestamp, Signature, Body, clock));

        Assert.Equal(WebhookVerificationFailure.MissingHeader, missing.Failure);
        Assert.Equal("The webhook is missing its webhook-timestamp, webhook-signature header.", missing.Message);
        Assert.Equal(WebhookVerificationFailure.InvalidTimestamp, malformed.Failure);
        Assert.DoesNotContain("not base64", badSecret.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatTheStandardWebhooksPackageSignsVerifiesAndTheOtherWayRound()
    {
        var secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var body = JsonSerializer.Serialize(new { type = WebhookEventTypes.Withdrawn, timestamp = DateTime.UtcNow, data = new { id = "1764236400123-0", note = "é ü – 😀" } });
        var now = DateTimeOffset.UtcNow;
        var seconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var byPackage = new StandardWebhook(secret).Sign("msg_cross-check", now, body);
        WebhookSignature.Verify(secret, "msg_cross-check", seconds, byPackage, body, new ManualClock(now));

        var bySdk = WebhookSignature.Sign(secret, "msg_cross-check", now, body);
        Assert.Equal(byPackage, bySdk);
        new StandardWebhook(secret).Verify(body, new HeaderDictionary
        {
            ["webhook-id"] = "msg_cross-check",
            ["webhook-timestamp"] = seconds,
            ["webhook-signature"] = bySdk,
        });
    }

    [Fact]
    public void AnEventBodyParsesAndItsDataReadsAsTheTypeItsTypeNames()
    {
        var overdue = new OverdueEvent("1764236400123-0", "Recall: oat milk 1 L", ["fr-0043"], new DateTime(2026, 11, 27, 8, 15, 0, DateTimeKind.Utc), "1764237300456-0");
        var body = JsonSerializer.Serialize(new WebhookEvent(WebhookEventTypes.Overdue, new DateTime(2026, 11, 27, 8, 15, 1, DateTimeKind.Utc), JsonSerializer.SerializeToElement(overdue, JsonSerializerOptions.Web)), JsonSerializerOptions.Web);

        var webhook = WebhookSignature.ParseEvent(body);

        Assert.Equal(WebhookEventTypes.Overdue, webhook.Type);
        Assert.Equal(new DateTime(2026, 11, 27, 8, 15, 1, DateTimeKind.Utc), webhook.Timestamp);
        var data = webhook.Data.Deserialize<OverdueEvent>(JsonSerializerOptions.Web)!;
        Assert.Equal(overdue.NotificationId, data.NotificationId);
        Assert.Equal(["fr-0043"], data.PendingStores);
        Assert.Equal(overdue.EscalationId, data.EscalationId);
        Assert.Throws<JsonException>(() => WebhookSignature.ParseEvent(Body));
        Assert.Throws<JsonException>(() => WebhookSignature.ParseEvent("not json"));
    }

    private static Notifications.Client.WebhookVerificationException Refused(Action verify) =>
        Assert.Throws<Notifications.Client.WebhookVerificationException>(verify);
}
