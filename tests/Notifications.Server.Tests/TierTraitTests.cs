using System.Reflection;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>
/// <c>dotnet test --filter Tier=…</c> only runs what carries the trait: a test class without one would
/// run in no tier at all, and one with two would run twice. This keeps a new class from forgetting it.
/// </summary>
[Trait(Tiers.Name, Tiers.Fast)]
public sealed class TierTraitTests
{
    [Fact]
    public void EveryTestClassCarriesExactlyOneKnownTier()
    {
        var testClasses = TestClasses();

        // Guards against a search that finds nothing and so proves nothing.
        Assert.Contains(typeof(TierTraitTests), testClasses);
        var wrong = testClasses
            .Select(type => (type, tiers: TierTraits(type)))
            .Where(c => c.tiers.Count != 1 || !Tiers.All.Contains(c.tiers[0]))
            .Select(c => $"{c.type.FullName}: [{string.Join(", ", c.tiers)}]")
            .ToList();

        Assert.True(wrong.Count == 0, $"Each test class needs exactly one [Trait(Tiers.Name, Tiers.…)] with one of {string.Join("/", Tiers.All)}:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public void NoTestMethodCarriesATierOfItsOwn()
    {
        // A tier on a method would add to its class's, putting the test in two tiers; split the class instead.
        var methods = TestClasses()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
            .Where(method => method.GetCustomAttributesData().Any(IsTierTrait))
            .Select(method => $"{method.DeclaringType?.FullName}.{method.Name}")
            .Distinct(StringComparer.Ordinal);

        Assert.Empty(methods);
    }

    /// <summary>Classes xUnit runs: not abstract, with a fact or theory of their own or inherited (the contracts').</summary>
    private static List<Type> TestClasses() =>
        [.. typeof(TierTraitTests).Assembly.GetTypes().Where(type =>
            type is { IsClass: true, IsAbstract: false }
            && type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Any(method => method.IsDefined(typeof(FactAttribute), inherit: true)))];

    /// <summary>The Tier values on the class and its base classes, as xUnit collects traits (they are inherited).</summary>
    private static List<string> TierTraits(Type type)
    {
        var tiers = new List<string>();
        for (var current = type; current is not null; current = current.BaseType)
        {
            tiers.AddRange(current.GetCustomAttributesData().Where(IsTierTrait).Select(trait => (string)trait.ConstructorArguments[1].Value!));
        }

        return tiers;
    }

    private static bool IsTierTrait(CustomAttributeData attribute) =>
        attribute.AttributeType == typeof(TraitAttribute)
        && attribute.ConstructorArguments is [{ Value: Tiers.Name }, _];
}
