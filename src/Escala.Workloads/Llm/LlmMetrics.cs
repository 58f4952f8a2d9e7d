using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Escala.Telemetry;

namespace Escala.Workloads.Llm;

/// <summary>
/// The <c>llm.chat</c> instruments, on Escala's meter: tokens in and out by model and tenant (tenants beyond the
/// first <see cref="MaxTenants"/> fold into <c>other</c>), time to first token, call duration by outcome, fallbacks.
/// </summary>
public sealed class LlmMetrics : IDisposable
{
    /// <summary>Counter of prompt tokens.</summary>
    public const string InputTokens = "escala.llm.input_tokens";
    /// <summary>Counter of generated tokens.</summary>
    public const string OutputTokens = "escala.llm.output_tokens";
    /// <summary>Histogram of the time to the first token (s).</summary>
    public const string TimeToFirstToken = "escala.llm.time_to_first_token";
    /// <summary>Histogram of call durations (s).</summary>
    public const string CallDuration = "escala.llm.call.duration";
    /// <summary>Counter of calls sent to a fallback model.</summary>
    public const string Fallbacks = "escala.llm.fallbacks";
    /// <summary>Counter of tokens recorded as used on a resource because a provider's 429 said it had fewer left than the budget.</summary>
    public const string ProviderCorrectedTokens = "escala.llm.provider_corrected_tokens";
    /// <summary>The resource tag.</summary>
    public const string TagResource = "resource";
    /// <summary>The model tag.</summary>
    public const string TagModel = "model";
    /// <summary>The tenant tag.</summary>
    public const string TagTenant = "tenant";
    /// <summary>The outcome tag: ok, a status code or network.</summary>
    public const string TagOutcome = "outcome";
    /// <summary>The fallback model tag.</summary>
    public const string TagFallback = "fallback";

    /// <summary>Most tenants given their own label value.</summary>
    public const int MaxTenants = 100;

    private static readonly double[] Seconds = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
    private readonly ConcurrentDictionary<string, byte> _tenants = new(StringComparer.Ordinal);
    private readonly Counter<long> _input;
    private readonly Counter<long> _output;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _corrected;

    /// <summary>The meter this instance created itself (no factory given), disposed with it.</summary>
    private readonly Meter? _ownMeter;

    /// <summary>Creates the instruments on Escala's meter (from <paramref name="meters"/> when given, so the host exports them).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope",
        Justification = "A meter from IMeterFactory belongs to the factory, which disposes it; one made here is kept in _ownMeter and disposed by Dispose.")]
    public LlmMetrics(IMeterFactory? meters = null)
    {
        _ownMeter = meters is null ? new Meter(EscalaMeter.Name) : null;
        var meter = _ownMeter ?? meters!.Create(EscalaMeter.Name);
        _input = meter.CreateCounter<long>(InputTokens, "{token}", "Prompt tokens sent to models, as the provider counted them.");
        _output = meter.CreateCounter<long>(OutputTokens, "{token}", "Tokens models generated.");
        _ttft = meter.CreateHistogram<double>(TimeToFirstToken, "s", "From an LLM call to its first token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
        _duration = meter.CreateHistogram<double>(CallDuration, "s", "How long LLM calls took, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
        _fallbacks = meter.CreateCounter<long>(Fallbacks, "{call}", "Calls sent to a fallback model because every endpoint of the model asked for had its breaker open.");
        _corrected = meter.CreateCounter<long>(ProviderCorrectedTokens, "{token}",
            "Tokens recorded against a resource's budget because a provider's 429 said it had fewer left than Escala's ledger.");
    }

    /// <summary>A call answered: its tokens, time to first token and duration.</summary>
    public void Answered(string model, string tenant, LlmUsage usage, TimeSpan firstToken, TimeSpan duration)
    {
        var tags = new TagList { { TagModel, model }, { TagTenant, Tenant(tenant) } };
        _input.Add(usage.InputTokens, tags);
        _output.Add(usage.OutputTokens, tags);
        _ttft.Record(firstToken.TotalSeconds, new KeyValuePair<string, object?>(TagModel, model));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(TagModel, model), new KeyValuePair<string, object?>(TagOutcome, "ok"));
    }

    /// <summary>A call failed with <paramref name="outcome"/> (a status code or <c>network</c>).</summary>
    public void Failed(string model, string outcome, TimeSpan duration) =>
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(TagModel, model), new KeyValuePair<string, object?>(TagOutcome, outcome));

    /// <summary>A call went to <paramref name="fallback"/> instead of <paramref name="model"/>.</summary>
    public void FellBack(string model, string fallback) =>
        _fallbacks.Add(1, new KeyValuePair<string, object?>(TagModel, model), new KeyValuePair<string, object?>(TagFallback, fallback));

    /// <summary>A provider's 429 brought <paramref name="resource"/>'s ledger down by <paramref name="tokens"/>.</summary>
    public void ProviderCorrected(string resource, long tokens) => _corrected.Add(tokens, new KeyValuePair<string, object?>(TagResource, resource));

    private string Tenant(string tenant)
    {
        if (_tenants.ContainsKey(tenant))
        {
            return tenant;
        }

        return _tenants.Count < MaxTenants && _tenants.TryAdd(tenant, 0) ? tenant : "other";
    }

    /// <inheritdoc />
    public void Dispose() => _ownMeter?.Dispose();
}
