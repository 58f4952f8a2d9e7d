namespace Escala.Storage;

/// <summary>What a driver can do; callers branch on these, never on the driver's type.</summary>
/// <param name="Name">The driver's short name (<c>sqlite</c>, <c>postgres</c>).</param>
/// <param name="SupportsNotify">Wake-ups reach every node (LISTEN/NOTIFY), not only this one.</param>
/// <param name="MultiNode">Several nodes may share the store.</param>
public sealed record StoreCapabilities(string Name, bool SupportsNotify, bool MultiNode);
