namespace Escala.Governance;

/// <summary>A fair-share group: the jobs of one tenant with one concurrency key (or none).</summary>
public readonly record struct FairGroup(string Tenant, string? Key);
