using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.Devices;

/// <summary>Section <c>Devices</c>.</summary>
internal sealed class DeviceOptions
{
    public const string SectionName = "Devices";

    /// <summary>How often each node looks for revoked devices among its connections (revocation closes them within this, plus a close).</summary>
    [Range(1, 60)]
    public int RevocationCheckSeconds { get; set; } = 2;
}
