namespace Escala.Storage;

/// <summary>
/// The store's record of tokens used against resources' token budgets (<c>resources:NAME:tokens</c>), cluster-wide.
/// A lease reserves each admitted job's estimate (<see cref="Jobs.NewJob.Tokens"/>) on every resource with a budget it
/// needs, in the lease's transaction; these calls correct the record afterwards. Implemented by every driver and
/// covered by the conformance suite.
/// </summary>
public interface ITokenLedger
{
    /// <summary>
    /// Moves the reservations of job <paramref name="jobId"/> to <paramref name="at"/>, the moment its call is made, so they
    /// count for the window the provider sees (a job can start well after the lease that admitted it). False when it has none.
    /// </summary>
    Task<bool> RestampTokensAsync(long jobId, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Replaces the reservations of job <paramref name="jobId"/> with its actual usage, and moves them to
    /// <paramref name="notBefore"/> when that is later than their stamp: the caller knows by then that the provider has
    /// seen the call, so it must count a whole window from there however late the call reached the provider. False when
    /// the job has none.
    /// </summary>
    Task<bool> SettleTokensAsync(long jobId, long tokens, DateTimeOffset notBefore, CancellationToken ct);

    /// <summary>
    /// Records tokens used on <paramref name="resource"/> at <paramref name="at"/> outside any job, e.g. what a provider's
    /// 429 says is already used (<c>x-ratelimit-remaining-tokens</c>), so admission holds back until it ages out.
    /// </summary>
    Task ConsumeTokensAsync(string resource, long tokens, DateTimeOffset at, CancellationToken ct);

    /// <summary>Tokens recorded on <paramref name="resource"/> after <paramref name="since"/>.</summary>
    Task<long> TokensSinceAsync(string resource, DateTimeOffset since, CancellationToken ct);
}
