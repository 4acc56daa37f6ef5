namespace Notifications.Contract;

/// <summary>Who acknowledged, for which of their stores, and when.</summary>
public sealed record AcknowledgementView(string Sub, IReadOnlyList<string> Stores, DateTime At);
