using Escala.Configuration;

namespace Escala.Governance;

/// <summary>
/// One node's half of a resource's adaptive concurrency limit (<c>resources:NAME:concurrency:adaptive</c>): it turns this
/// node's attempts into <see cref="LimitAdjustment"/>s of the one limit the cluster shares in the store, and learns the
/// shared value back (<see cref="Applied"/>). Not thread-safe: <see cref="ResourceGovernor"/> locks.
/// </summary>
/// <remarks>
/// <para>
/// <b>Algorithm: AIMD on round trips, with latency as well as loss as the overload signal.</b> Attempts are grouped in round
/// trips (at least 3 successes over at least one no-load latency). Two round trips in a row whose median latency exceeds
/// <see cref="AdaptiveConcurrencyOptions.Tolerance"/> × the no-load latency (the lowest round-trip median of the last 30 s),
/// or any 429, throttled failure or timeout, multiplies the limit by <see cref="AdaptiveConcurrencyOptions.Backoff"/>;
/// otherwise, while at least half the limit is in use, the limit grows by √limit per round trip (by half per round trip
/// until the first overload or until latency passes halfway to the tolerance: a slow start; not doubling, because the
/// latency of a round trip shows the limit of the one before, and a dependency's queue may be short).
/// A cut applies on this node at once, before the store confirms it, so no job is admitted at the old limit meanwhile.
/// </para>
/// <para>
/// <b>Why AIMD and not a gradient (Netflix's Gradient2, Vegas):</b> the limit is one number for the whole cluster, and AIMD's
/// updates are an addition and a guarded multiplication that any node can apply to the stored number on its own
/// observations, in any order, with no leader and no sample sharing — like TCP flows sharing a link. A gradient algorithm
/// computes the next limit from the current one and latency estimates (long- and short-term) that must describe the
/// same traffic: with several nodes it needs all samples in one place. 429s and timeouts, the signals every Escala
/// dependency gives, are loss signals AIMD was built on; latency is added so a dependency that queues (an Ollama with
/// N slots, a busy government service) is backed off before it times out.
/// </para>
/// <para>
/// The backoff times the tolerance is below 1 (0.6 × 1.5 = 0.9): each cut takes the limit below the point where latency
/// started to grow, so the no-load latency is measured again every cycle instead of drifting up with a standing queue.
/// A cut counts only attempts started after the previous cut (theirs is the limit being judged), and the store applies it
/// only when no node cut since then, so one overload seen by many attempts or nodes cuts once.
/// </para>
/// </remarks>
public sealed class AdaptiveLimiter
{
    /// <summary>How far back the no-load latency is looked for.</summary>
    public static readonly TimeSpan BaselineHorizon = TimeSpan.FromSeconds(30);

    /// <summary>Shortest round trip.</summary>
    public static readonly TimeSpan MinRoundTrip = TimeSpan.FromMilliseconds(100);

    /// <summary>Fewest successes in a round trip.</summary>
    public const int MinSamples = 3;

    /// <summary>Round trips in a row over the tolerance that cut the limit: one alone may be the node's own CPU.</summary>
    public const int OverloadRoundTrips = 2;

    private readonly AdaptiveConcurrencyOptions _options;
    private readonly TimeProvider _time;
    private readonly Queue<(DateTimeOffset At, double MedianMs)> _roundTrips = new();
    private DateTimeOffset _windowStart;
    private DateTimeOffset _windowEarliest;
    private int _count;
    private double _latencySumMs;
    private readonly List<double> _latenciesMs = [];
    private double _pendingAdd;
    private LimitAdjustment? _pendingCut;
    private bool _slowStart = true;
    private int _over;
    private DateTimeOffset _overSince;

    public AdaptiveLimiter(AdaptiveConcurrencyOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        Limit = options.Initial ?? options.Min;
    }

    /// <summary>The cluster's limit as last read from the store (or the initial one), possibly fractional.</summary>
    public double Limit { get; private set; }

    /// <summary>The whole limit admission applies: <see cref="Limit"/> rounded down, within min..max.</summary>
    public int Current => (int)Math.Clamp(Math.Floor(Limit), _options.Min, _options.Max);

    /// <summary>When the limit was last cut cluster-wide; attempts started before say nothing about the current limit.</summary>
    public DateTimeOffset LastCut { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Jobs needing the resource running cluster-wide at the last store read; null before the first.</summary>
    public long? Running { get; private set; }

    /// <summary>The no-load latency estimate (the lowest round-trip median of the last 30 s); null before the first round trip.</summary>
    public TimeSpan? NoLoadLatency => _roundTrips.Count == 0 ? null : TimeSpan.FromMilliseconds(_roundTrips.Min(r => r.MedianMs));

    /// <summary>The median latency of the last round trip; null before the first.</summary>
    public TimeSpan? LastLatency { get; private set; }

    /// <summary>Records one attempt admitted at <paramref name="started"/> that ended now.</summary>
    /// <param name="started">When it was admitted (leased): it judges the limit in force then.</param>
    /// <param name="latency">How long the call took; null for the whole time since <paramref name="started"/>.</param>
    public void Record(DateTimeOffset started, AdaptiveSignal signal, TimeSpan? latency = null)
    {
        var now = _time.GetUtcNow();
        if (started < LastCut || signal == AdaptiveSignal.Neutral)
        {
            return;
        }

        if (signal == AdaptiveSignal.Overload)
        {
            Cut(started, "overload");
            return;
        }

        if (_count == 0)
        {
            _windowStart = now;
            _windowEarliest = started;
        }

        _count++;
        var sampleMs = Math.Max(0, (latency ?? (now - started)).TotalMilliseconds);
        _latencySumMs += sampleMs;
        _latenciesMs.Add(sampleMs);
        _windowEarliest = started < _windowEarliest ? started : _windowEarliest;
        var roundTrip = NoLoadLatency is { } noLoad && noLoad > MinRoundTrip ? noLoad : MinRoundTrip;
        if (_count < MinSamples || now - _windowStart < roundTrip)
        {
            return;
        }

        // Little's law on this node: completions arrive at (count − 1) / elapsed, each having taken the mean latency.
        var inFlight = _latencySumMs / _count * (_count - 1) / Math.Max(1, (now - _windowStart).TotalMilliseconds);
        // The median, not the mean: a few attempts stalled on a busy machine (the node's, not the dependency's) do not move it.
        _latenciesMs.Sort();
        var median = _latenciesMs[_count / 2];
        var successes = _count;
        var earliest = _windowEarliest;
        ResetWindow();
        LastLatency = TimeSpan.FromMilliseconds(median);
        _roundTrips.Enqueue((now, median));
        while (_roundTrips.Count > 1 && _roundTrips.Peek().At < now - BaselineHorizon)
        {
            _roundTrips.Dequeue();
        }

        var baseline = _roundTrips.Min(r => r.MedianMs);
        if (median > _options.Tolerance * baseline)
        {
            // One slow round trip can be the node's own CPU (a call's time includes its HTTP client and the thread pool);
            // a dependency's queue stays. Two in a row cut, as of the first.
            _overSince = _over == 0 ? earliest : _overSince;
            if (++_over >= OverloadRoundTrips)
            {
                Cut(_overSince, "latency");
            }

            return;
        }

        _over = 0;

        if (_slowStart && median > (1 + ((_options.Tolerance - 1) / 2)) * baseline)
        {
            // Latency starts to grow: stop doubling before it overshoots (HyStart's idea), without a cut.
            _slowStart = false;
            return;
        }

        var used = Math.Max(inFlight, Running ?? 0);
        if (used * 2 >= Limit && _pendingCut is null)
        {
            // Per success: +½ in slow start (×1.5 per round trip), else +1/√limit (√limit per round trip).
            _pendingAdd += _slowStart ? successes / 2.0 : successes / Math.Sqrt(Math.Max(1, Limit));
        }
    }

    /// <summary>The change to send to the store, if any; taking it clears it.</summary>
    public LimitAdjustment? TakeAdjustment()
    {
        if (_pendingCut is { } cut)
        {
            _pendingCut = null;
            _pendingAdd = 0;
            return cut;
        }

        if (_pendingAdd <= 0 || Limit >= _options.Max)
        {
            _pendingAdd = 0;
            return null;
        }

        var add = _pendingAdd;
        _pendingAdd = 0;
        return new LimitAdjustment(add, 1, _time.GetUtcNow(), "increase");
    }

    /// <summary>What the store holds after an adjustment or a read: the shared limit, its last cut, and the jobs running.</summary>
    public void Applied(double limit, DateTimeOffset? lastCut, long running)
    {
        Limit = Math.Clamp(limit, _options.Min, _options.Max);
        Running = running;
        if (lastCut is { } cut && cut > LastCut)
        {
            LastCut = cut;
            _slowStart = false;
            ResetWindow();
        }
        else if (_pendingCut is not null)
        {
            // A cut of this node's is on its way: keep it applied until the store has it.
            Limit = Math.Max(_options.Min, Limit * _options.Backoff);
        }
    }

    private void Cut(DateTimeOffset since, string reason)
    {
        _slowStart = false;
        _over = 0;
        _pendingAdd = 0;
        ResetWindow();
        if (_pendingCut is null || since < _pendingCut.Value.Since)
        {
            _pendingCut = new LimitAdjustment(0, _options.Backoff, since, reason);
        }

        // At once here (the store's answer replaces it): attempts admitted from now on are judged under the new limit.
        Limit = Math.Max(_options.Min, Limit * _options.Backoff);
        LastCut = _time.GetUtcNow();
    }

    private void ResetWindow()
    {
        _count = 0;
        _latencySumMs = 0;
        _latenciesMs.Clear();
    }
}
