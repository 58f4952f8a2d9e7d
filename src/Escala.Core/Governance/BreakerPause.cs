namespace Escala.Governance;

/// <summary>
/// The reasons a store's resource pause row carries for breakers. A pause with <see cref="Reason"/> that has
/// expired means the breaker is half-open cluster-wide until a success replaces it with <see cref="ClosedReason"/>.
/// </summary>
public static class BreakerPause
{
    /// <summary>The pause reason an opened breaker writes.</summary>
    public const string Reason = "breaker open";

    /// <summary>The reason a closed breaker leaves on the row: no longer half-open.</summary>
    public const string ClosedReason = "breaker closed";
}
