
namespace Notifications.Contract;

/// <summary>One page of an audience's history, oldest first.</summary>
/// <param name="Items">At most <c>limit</c> notifications.</param>
/// <param name="LastId">The id of the last item, to pass as <c>after</c> for the next page; <c>after</c> itself when the page is empty.</param>
public sealed record HistoryPage(IReadOnlyList<Notification> Items, string? LastId);
