namespace Escala.Client;

/// <summary>
/// A job's <c>unique</c>: refuse (or return the holder of) a second job of the tenant with the same <see cref="Key"/>
/// while the first waits or runs, or within <see cref="For"/> after it finished.
/// </summary>
public sealed record UniqueRequest
{
    /// <summary>1 to 200 characters; per tenant.</summary>
    public string? Key { get; init; }

    /// <summary>How long after the holder finished the key stays taken (<c>10m</c>); defaults to <c>0s</c>: free once it finished.</summary>
    public string? For { get; init; }

    /// <summary><c>reject</c> (default: 409 naming the holder) or <c>return</c> (the holder comes back with 200).</summary>
    public string? OnConflict { get; init; }
}
