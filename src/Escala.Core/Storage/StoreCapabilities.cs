namespace Escala.Storage;

/// <summary>What a driver can do; callers branch on these, never on the driver's type.</summary>
/// <param name="Name">The driver's short name (<c>sqlite</c>, <c>postgres</c>).</param>
/// <param name="SupportsNotify">Wake-ups reach every node (LISTEN/NOTIFY), not only this one.</param>
/// <param name="MultiNode">Several nodes may share the store.</param>
/// <param name="OrderedWrites">
/// Writes are applied one after another in the order they are issued (one writer), so a lease issued
/// after a completion sees the slots that completion frees even before either has committed.
/// </param>
public sealed record StoreCapabilities(string Name, bool SupportsNotify, bool MultiNode, bool OrderedWrites);
