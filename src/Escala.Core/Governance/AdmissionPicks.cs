namespace Escala.Governance;

/// <summary>A candidate job as a lease reads it: what admission needs to decide on it.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Group">Its tenant and concurrency key.</param>
/// <param name="Resources">The resources it needs.</param>
/// <param name="Tokens">Its token estimate (0 for none).</param>
public sealed record AdmissionCandidate(long Id, FairGroup Group, IReadOnlyList<string> Resources, long Tokens);

/// <summary>
/// The jobs one lease admits: offers each candidate once to the <see cref="AdmissionPlanner"/>, in the order the
/// driver reads them (the fair turns first, then lease order), and keeps the admitted ids and token reservations.
/// </summary>
public sealed class AdmissionPicks(AdmissionPlanner planner, int max)
{
    private HashSet<long>? _offered;

    /// <summary>The planner deciding: its blocked resources, tenants and keys filter the candidates' SQL.</summary>
    public AdmissionPlanner Planner => planner;

    public List<long> Admitted { get; } = new(max);

    /// <summary>Admitted jobs with a token estimate: drivers reserve it on each of their resources with a budget.</summary>
    public List<(long Job, long Tokens, IReadOnlyList<string> Resources)> Reservations { get; } = [];

    public bool Full => Admitted.Count >= max;

    /// <summary>The group of the job admitted last; null before any.</summary>
    public FairGroup? LastGroup { get; private set; }

    /// <summary>Remembers the candidates offered from now on (the fair turns), so a later pass in lease order skips them.</summary>
    public void RememberOffered() => _offered = [];

    /// <summary>Offers <paramref name="candidate"/> to the planner unless the lease is full or it was offered already.</summary>
    public void Consider(AdmissionCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (Full || _offered?.Add(candidate.Id) == false
            || !planner.TryAdmit(candidate.Group.Tenant, candidate.Resources, candidate.Tokens, candidate.Group.Key))
        {
            return;
        }

        Admitted.Add(candidate.Id);
        LastGroup = candidate.Group;
        if (candidate.Tokens > 0)
        {
            Reservations.Add((candidate.Id, candidate.Tokens, candidate.Resources));
        }
    }
}
