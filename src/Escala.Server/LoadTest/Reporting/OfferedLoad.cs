using Escala.Server.LoadTest.Scenarios;

namespace Escala.Server.LoadTest.Reporting;

/// <summary>What the scenario asked of each queue and resource: the open model's job rate, known before any measurement.</summary>
public sealed class OfferedLoad(Scenario scenario)
{
    /// <summary>The resources an operation's jobs need.</summary>
    public IReadOnlyList<string> ResourcesOf(string operation) =>
        scenario.Operations.FirstOrDefault(o => o.Name == operation)?.Resources ?? [];

    /// <summary>Jobs per second the open model sends to a queue; null in the closed model (users set the pace).</summary>
    public double? OfferedToQueue(string queue) => Offered(o => (o.Queue ?? "default") == queue);

    /// <summary>Jobs per second the open model sends that need a resource; null in the closed model.</summary>
    public double? OfferedToResource(string resource) => Offered(o => o.Resources.Contains(resource));

    private double? Offered(Func<OperationSpec, bool> matches)
    {
        if (scenario.Workload.Rate is not { } rate)
        {
            return null;
        }

        var mix = scenario.Operations.Where(o => o.Weight > 0).ToList();
        var total = mix.Sum(o => o.Weight);
        return mix.Where(o => o.Type != OperationType.Status && matches(o))
            .Sum(o => rate / scenario.TimeScale * o.Weight / total * (o.Type switch { OperationType.Batch => o.BatchSize, OperationType.Workflow => o.FanOut + 1, _ => 1 }));
    }
}
