using Escala.Storage;

namespace Escala.Governance.Tokens;

/// <summary>
/// How long a token reservation counts against its resource's budget: the budget's window plus <see cref="Guard"/>.
/// The provider sees a call a little after admission reserved it; the guard keeps the provider's own window (measured
/// from arrival) from holding the tail of one of our windows and the head of the next. It costs a budget of
/// <c>N/min</c> about 0.4 % of its throughput.
/// </summary>
public static class TokenWindow
{
    /// <summary>250 ms: well above loopback and LAN jitter between admission and the provider.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromMilliseconds(250);

    /// <summary>The window reservations of <paramref name="budget"/> count in.</summary>
    public static TimeSpan Of(RateLimit budget) => budget.Per + Guard;

    /// <summary>Tokens <paramref name="ledger"/> holds against <paramref name="resource"/>'s <paramref name="budget"/> in the window that ends at <paramref name="now"/>.</summary>
    public static Task<long> UsedAsync(ITokenLedger ledger, string resource, RateLimit budget, DateTimeOffset now, CancellationToken ct) =>
        ledger.TokensSinceAsync(resource, now - Of(budget), ct);
}
