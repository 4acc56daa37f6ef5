using System.Security.Cryptography;
using System.Text;

namespace Notifications.Server.Devices;

/// <summary>
/// Device ids and secrets. A secret is 256 random bits, so a plain SHA-256 of it is enough to store:
/// a slow password hash guards guessable secrets, and these cannot be guessed.
/// </summary>
internal static class DeviceSecrets
{
    public const string IdPrefix = "dev-";

    public static string NewId() => IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string NewSecret() => "dvs_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool IsDevice(string? sub) => sub?.StartsWith(IdPrefix, StringComparison.Ordinal) == true;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
