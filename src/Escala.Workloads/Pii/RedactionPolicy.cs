using System.Security.Cryptography;

namespace Escala.Workloads.Pii;

/// <summary>Which <see cref="RedactionRule"/> applies to each entity type, and the key of the keyed hash.</summary>
public sealed class RedactionPolicy
{
    private readonly Dictionary<string, RedactionRule> _byType = new(StringComparer.Ordinal);

    /// <summary>Creates a policy.</summary>
    /// <param name="hashKey">The HMAC key of <see cref="RedactionOperator.Hash"/>; the same key maps the same value to the same token.</param>
    /// <param name="defaultRule">The rule of types not named; <see cref="RedactionRule.Tag"/> when null.</param>
    public RedactionPolicy(byte[] hashKey, RedactionRule? defaultRule = null)
    {
        HashKey = hashKey;
        Default = defaultRule ?? RedactionRule.Tag;
    }

    /// <summary>The HMAC-SHA256 key.</summary>
    public byte[] HashKey { get; }

    /// <summary>The rule of types without their own.</summary>
    public RedactionRule Default { get; }

    /// <summary>A policy with a fresh random key (tokens stable for this process only).</summary>
    public static RedactionPolicy WithRandomKey(RedactionRule? defaultRule = null) => new(RandomNumberGenerator.GetBytes(32), defaultRule);

    /// <summary>Sets the rule of one type.</summary>
    public RedactionPolicy Set(string type, RedactionRule rule)
    {
        _byType[type] = rule;
        return this;
    }

    /// <summary>The rule that applies to <paramref name="type"/>.</summary>
    public RedactionRule For(string type) => _byType.GetValueOrDefault(type, Default);
}
