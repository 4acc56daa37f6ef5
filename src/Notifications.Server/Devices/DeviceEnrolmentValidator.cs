using Notifications.Contract;
using Notifications.Server.Auth;

namespace Notifications.Server.Devices;

/// <summary>Field errors of an enrolment, keyed by field name, as problem details name them.</summary>
internal static class DeviceEnrolmentValidator
{
    public const int MaxNameLength = 100;

    public static Dictionary<string, string[]> Validate(DeviceEnrolment? enrolment)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (enrolment is null)
        {
            errors["body"] = ["The request needs a JSON body: { \"name\", \"stores\", \"regions\", \"roles\" }."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(enrolment.Name) || enrolment.Name.Length > MaxNameLength)
        {
            errors["name"] = [$"name is required, at most {MaxNameLength} characters."];
        }

        Check("stores", enrolment.Stores);
        Check("regions", enrolment.Regions);
        Check("roles", enrolment.Roles);
        if (enrolment.Stores.Count == 0 && enrolment.Regions.Count == 0 && !errors.ContainsKey("stores"))
        {
            errors["stores"] = ["A screen needs at least one store or region to show notifications for."];
        }

        if (enrolment.Roles.Any(r => r is not (HubRoles.Dashboard or HubRoles.Admin)) && !errors.ContainsKey("roles"))
        {
            errors["roles"] = [$"roles may be {HubRoles.Dashboard} and {HubRoles.Admin}."];
        }

        return errors;

        void Check(string field, IReadOnlyList<string>? values)
        {
            if (values is null || values.Any(v => !Ids.IsValid(v)))
            {
                errors[field] = [$"every value of {field} must match {Ids.Pattern}."];
            }
        }
    }
}
