namespace Escala.Configuration;

/// <summary>A duration key that must be longer than zero (durations are never negative).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveAttribute : Attribute;
