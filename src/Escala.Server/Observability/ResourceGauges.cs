using System.Diagnostics.Metrics;
using Escala.Configuration;
using Escala.Governance;
using Escala.Server.Hosting;
using Escala.Telemetry;

namespace Escala.Server.Observability;

/// <summary>
/// Per-resource gauges Prometheus users can alert on without decoding numbers: the breaker as a state
/// (<c>escala_breaker_status{resource,state}</c> is 1 for the state it is in and 0 for the others), the concurrency
/// limit (an adaptive one's current value), and whether the resource is paused cluster-wide (breaker open elsewhere, a 429's Retry-After).
/// Every configured resource is present from start-up.
/// </summary>
public sealed class ResourceGauges
{
    public ResourceGauges(EscalaMetrics metrics, EscalaOptions settings, ResourceGovernor governor, StatsSampler sampler, TimeProvider time)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge(EscalaMeter.BreakerStatus, () => ObserveBreakers(settings, governor, sampler, time), null,
            "1 for the state each resource's breaker is in (closed, open, half_open), 0 for the others.");
        meter.CreateObservableGauge(EscalaMeter.ResourceLimit, () => settings.Resources.Values
            .Where(r => r.Concurrency is not null)
            .Select(r => new Measurement<long>(governor.ConcurrencyLimit(r) ?? 0, Tag(r.Name))), "{job}",
            "The resource's concurrency limit, cluster-wide (an adaptive limit's current value).");
        meter.CreateObservableGauge(EscalaMeter.ResourcePaused, () => settings.Resources.Keys.Select(name =>
            new Measurement<int>(PausedUntil(sampler, name) > time.GetUtcNow() ? 1 : 0, Tag(name))), null,
            "1 while the resource's jobs are held back cluster-wide (breaker open, a dependency's Retry-After).");
    }

    private static IEnumerable<Measurement<int>> ObserveBreakers(EscalaOptions settings, ResourceGovernor governor, StatsSampler sampler, TimeProvider time)
    {
        var states = governor.BreakerStates();
        var now = time.GetUtcNow();
        foreach (var resource in settings.Resources.Values.Where(r => r.Breaker is not null))
        {
            var state = states.TryGetValue(resource.Name, out var s) ? ResourceGovernor.Wire(s) : "closed";

            // Another node's breaker may have opened it: the cluster-wide pause says so.
            var usage = sampler.Resources.FirstOrDefault(r => r.Name == resource.Name);
            if (usage is { PauseReason: BreakerPause.Reason } && usage.PausedUntil > now)
            {
                state = "open";
            }

            foreach (var candidate in EscalaMeter.BreakerStates)
            {
                yield return new Measurement<int>(candidate == state ? 1 : 0, Tag(resource.Name),
                    new KeyValuePair<string, object?>(EscalaMeter.TagState, candidate));
            }
        }
    }

    private static DateTimeOffset? PausedUntil(StatsSampler sampler, string name) =>
        sampler.Resources.FirstOrDefault(r => r.Name == name)?.PausedUntil;

    private static KeyValuePair<string, object?> Tag(string resource) => new(EscalaMeter.TagResource, resource);
}
