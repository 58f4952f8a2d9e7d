using Escala.Server.LoadTest;

namespace Escala.Governance.Tests;

/// <summary>The reference doc 3 scenario, shortened: every SLA holds.</summary>
public sealed class LoadTestScenarioTests
{
    [Fact]
    public async Task RunAsync_TwentyUsersEightSeconds_Passes()
    {
        var report = await PgeScenario.RunAsync(new PgeOptions
        {
            Users = 20,
            Duration = TimeSpan.FromSeconds(8),
            // The shared 2-core test machine runs other builds: noop p99 gets more room than the 500 ms default.
            NoopP99 = TimeSpan.FromSeconds(2),
        }, CancellationToken.None);

        Assert.True(report.Pass, report.ToTable());
        Assert.All(report.Dependencies, d => Assert.InRange(d.MaxConcurrency, 1, d.Limit));
        Assert.All(report.Dependencies, d => Assert.Equal(0, d.Violations));
        Assert.Equal(report.Submitted, report.Completed);
    }
}
