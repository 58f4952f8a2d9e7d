using Escala.Scheduling;

namespace Escala.Core.Tests.Scheduling;

/// <summary>Which ticks a due schedule enqueues: each one within the grace, and the misfire policy beyond it.</summary>
public sealed class ScheduleTicksTests
{
    private static readonly DateTimeOffset T0 = new(2030, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static ScheduleTiming Every1s(MisfirePolicy misfire = MisfirePolicy.Skip, string grace = "10s") =>
        ScheduleTiming.TryCreate(new ScheduleSpec { Every = "1s", Misfire = misfire, MisfireGrace = grace }, (_, _) => { })!;

    [Fact]
    public void Due_OneTickDue_EnqueuesItAndMovesToTheNext()
    {
        var plan = ScheduleTicks.Due(Every1s(), T0, T0 + TimeSpan.FromMilliseconds(300));

        Assert.Equal([T0], plan.Enqueue);
        Assert.Equal(T0.AddSeconds(1), plan.NextRunAt);
        Assert.False(plan.Missed);
    }

    [Fact]
    public void Due_TicksMissedWithinTheGrace_EachEnqueued()
    {
        var plan = ScheduleTicks.Due(Every1s(), T0, T0.AddSeconds(4.5));

        Assert.Equal([T0, T0.AddSeconds(1), T0.AddSeconds(2), T0.AddSeconds(3), T0.AddSeconds(4)], plan.Enqueue);
        Assert.Equal(T0.AddSeconds(5), plan.NextRunAt);
    }

    [Fact]
    public void Due_SkipAfterDowntime_DropsTicksOlderThanTheGrace()
    {
        var plan = ScheduleTicks.Due(Every1s(MisfirePolicy.Skip, "0s"), T0, T0.AddHours(1).AddMilliseconds(500));

        Assert.True(plan.Missed);
        Assert.Empty(plan.Enqueue);
        Assert.Equal(T0.AddHours(1).AddSeconds(1), plan.NextRunAt);
    }

    [Fact]
    public void Due_RunOnceAfterDowntime_OneJobForTheMissedTicks_ThenTheGraceOnes()
    {
        var now = T0.AddHours(1).AddMilliseconds(500);
        var plan = ScheduleTicks.Due(Every1s(MisfirePolicy.RunOnce, "2s"), T0, now);

        Assert.True(plan.Missed);
        // The latest tick older than 2 s, then the two within the grace.
        Assert.Equal([now.AddMilliseconds(-500).AddSeconds(-2), now.AddMilliseconds(-500).AddSeconds(-1), now.AddMilliseconds(-500)], plan.Enqueue);
        Assert.Equal(now.AddMilliseconds(500), plan.NextRunAt);
    }

    [Fact]
    public void Due_NothingDue_NothingEnqueued()
    {
        var plan = ScheduleTicks.Due(Every1s(), T0, T0 - TimeSpan.FromMilliseconds(1));

        Assert.Empty(plan.Enqueue);
        Assert.Equal(T0, plan.NextRunAt);
    }
}
