using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Notifications.Contract;
using Notifications.Server.Acknowledgements;
using Notifications.Server.Auth;
using Notifications.Server.Delivery;
using Notifications.Server.Storage;
using Notifications.Server.Withdrawals;

namespace Notifications.Server.Api;

/// <summary><c>/api/notifications</c>: publish (one or a batch), withdraw, status with acknowledgements, history, acknowledge.</summary>
internal static class NotificationsApi
{
    private const int DefaultHistoryLimit = 100;
    private const int MaxHistoryLimit = 1_000;

    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications")
            .WithTags("Notifications")
            .RequireAuthorization()
            .RequireRateLimiting(ApiRateLimitExtensions.PolicyName);

        api.MapPost("/", Publish)
            .RequireAuthorization(AuthenticationExtensions.AdminPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(PublishLimits.MaxRequestBytes))
            .WithName("PublishNotification")
            .WithSummary("Validates, stores, then sends a notification.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/batch", PublishBatch)
            .RequireAuthorization(AuthenticationExtensions.AdminPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(PublishLimits.MaxBatchRequestBytes))
            .WithName("PublishNotificationBatch")
            .WithSummary("Validates every item, then stores all of them or none, then sends them.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapDelete("/{id}", Withdraw)
            .RequireAuthorization(AuthenticationExtensions.AdminPolicy)
            .WithName("WithdrawNotification")
            .WithSummary("Withdraws a notification: screens drop it, and its deadline no longer escalates.");

        api.MapGet("/{id}", GetStatus)
            .RequireAuthorization(AuthenticationExtensions.AdminPolicy)
            .WithName("GetNotification")
            .WithSummary("A notification with who acknowledged it and which targeted stores have not yet.");

        api.MapGet("/", GetHistory)
            .RequireAuthorization(AuthenticationExtensions.ReaderPolicy)
            .WithName("GetHistory")
            .WithSummary("History of one audience, oldest first.");

        api.MapPost("/{id}/acknowledgements", Acknowledge)
            .RequireAuthorization(AuthenticationExtensions.ReaderPolicy)
            .WithName("AcknowledgeNotification")
            .WithSummary("Records that the caller (and its stores) has read or handled the notification.");

        return api;
    }

    internal static async Task<Results<Accepted<PublishResult>, ValidationProblem>> Publish(
        PublishRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        HttpContext http,
        NotificationPublisher publisher,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(http.User);
        var errors = PublishRequestValidator.Validate(request, idempotencyKey, time.GetUtcNow().UtcDateTime);
        if (errors.Count > 0)
        {
            var logger = loggers.CreateLogger(ApiLog.Category);
            ApiLog.PublishRejected(logger, caller.Sub, errors.Keys);
            return TypedResults.ValidationProblem(errors, title: "The notification was not accepted.");
        }

        var result = await publisher.PublishAsync(PublishRequestValidator.ToDraft(request), caller.Sub, idempotencyKey, cancellationToken);
        if (result.IsReplay)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Accepted($"/api/notifications/{result.Notification.Id}", new PublishResult(result.Notification.Id));
    }

    internal static async Task<Results<Accepted<PublishBatchResult>, ValidationProblem>> PublishBatch(
        PublishBatchRequest request,
        HttpContext http,
        NotificationPublisher publisher,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(http.User);
        var errors = PublishRequestValidator.Validate(request, time.GetUtcNow().UtcDateTime);
        if (errors.Count > 0)
        {
            var logger = loggers.CreateLogger(ApiLog.Category);
            ApiLog.PublishRejected(logger, caller.Sub, errors.Keys);
            return TypedResults.ValidationProblem(errors, title: "No notification of the batch was accepted.");
        }

        var drafts = request.Items!.Select(item => (PublishRequestValidator.ToDraft(item), item.IdempotencyKey)).ToList();
        var results = await publisher.PublishAsync(drafts, caller.Sub, cancellationToken);
        return TypedResults.Accepted((string?)null, new PublishBatchResult([.. results.Select(r => r.Notification.Id)]));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Withdraw(
        string id,
        HttpContext http,
        NotificationWithdrawal withdrawal,
        CancellationToken cancellationToken)
    {
        if (!NotificationId.TryParse(id, out var notificationId))
        {
            return InvalidId(id);
        }

        var withdrawn = await withdrawal.WithdrawAsync(notificationId, Caller.From(http.User).Sub, cancellationToken);
        return withdrawn is null ? NotFound(id) : TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<NotificationStatus>, ProblemHttpResult, ValidationProblem>> GetStatus(
        string id,
        INotificationLog log,
        PendingStores pendingStores,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!NotificationId.TryParse(id, out var notificationId))
        {
            return InvalidId(id);
        }

        var notification = await log.GetAsync(notificationId, cancellationToken);
        if (notification is null)
        {
            return NotFound(id);
        }

        var (acknowledgements, acknowledged, pending) = await pendingStores.GetAsync(notificationId, notification, cancellationToken);
        var escalationId = notification.AckDeadline is null ? null : await log.GetEscalationIdAsync(notificationId, cancellationToken);

        // Overdue from the deadline on, not from the escalation a moment later; and it stays so once escalated.
        var overdue = escalationId is not null
            || (notification.AckDeadline <= time.GetUtcNow().UtcDateTime && pending.Count > 0 && notification.WithdrawnAt is null);
        var views = acknowledgements.Select(a => new AcknowledgementView(a.Sub, a.Stores, a.At)).ToList();
        return TypedResults.Ok(new NotificationStatus(notification)
        {
            Acknowledgements = views,
            AcknowledgedStores = acknowledged,
            PendingStores = pending,
            Overdue = overdue,
            EscalationId = escalationId,
        });
    }

    internal static async Task<Results<Ok<HistoryPage>, ValidationProblem, ProblemHttpResult>> GetHistory(
        [FromQuery] string? audience,
        [FromQuery] string? after,
        [FromQuery] string? limit,
        HttpContext http,
        INotificationLog log,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Audience.IsValid(audience))
        {
            errors["audience"] = ["audience is required: 'all', or store:, region:, role: or user: followed by an id."];
        }

        var afterId = NotificationId.Zero;
        if (after is not null && !NotificationId.TryParse(after, out afterId))
        {
            errors["after"] = ["after must be a notification id ('{milliseconds}-{sequence}')."];
        }

        var pageSize = DefaultHistoryLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxHistoryLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxHistoryLimit}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!Caller.From(http.User).MayRead(audience!))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: $"Your token does not cover the audience '{audience}': a store token reads its own stores, regions and 'all'.");
        }

        var read = await log.ReadAsync([audience!], afterId, pageSize, cancellationToken);
        return TypedResults.Ok(new HistoryPage(read.Items, read.Items.Count > 0 ? read.Items[^1].Id : after));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Acknowledge(
        string id,
        HttpContext http,
        AcknowledgementRecorder recorder,
        CancellationToken cancellationToken)
    {
        var outcome = await recorder.AcknowledgeAsync(Caller.From(http.User), id, cancellationToken);
        return outcome switch
        {
            AcknowledgeOutcome.MalformedId => InvalidId(id),
            AcknowledgeOutcome.UnknownId => NotFound(id),
            AcknowledgeOutcome.NotAddressed => TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: AcknowledgementRecorder.Describe(outcome, id)),
            _ => TypedResults.NoContent(),
        };
    }

    private static ValidationProblem InvalidId(string id) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["id"] = [AcknowledgementRecorder.Describe(AcknowledgeOutcome.MalformedId, id.Length > 64 ? id[..64] + "…" : id)],
        });

    // A problem result, not NotFound<ProblemDetails>: that one is written as application/json.
    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Notification not found",
            detail: AcknowledgementRecorder.Describe(AcknowledgeOutcome.UnknownId, id));
}
