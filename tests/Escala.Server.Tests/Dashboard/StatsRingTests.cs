using Escala.Server.Dashboard;

namespace Escala.Server.Tests.Dashboard;

public sealed class StatsRingTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 10, TimeSpan.Zero);

    [Fact]
    public void Read_SumsEachStep_OldestFirst()
    {
        var ring = new StatsRing();
        ring.Completed(T0);
        ring.Completed(T0.AddSeconds(1), 2);
        ring.Failed(T0.AddSeconds(7));
        ring.Submitted(T0.AddSeconds(9), 4);

        var points = ring.Read(T0.AddSeconds(9), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

        Assert.Equal([T0, T0.AddSeconds(5)], points.Select(p => p.At));
        Assert.Equal([3L, 0L], points.Select(p => p.Completed));
        Assert.Equal([0L, 1L], points.Select(p => p.Failed));
        Assert.Equal([0L, 4L], points.Select(p => p.Submitted));
    }

    [Fact]
    public void Read_LatencyPerStep_MeanP95AndMax()
    {
        var ring = new StatsRing();
        for (var i = 0; i < 19; i++)
        {
            ring.Duration(T0, TimeSpan.FromMilliseconds(4));
        }

        ring.Duration(T0, TimeSpan.FromMilliseconds(400));

        var point = ring.Read(T0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)).Single();

        Assert.Equal((19 * 4 + 400) / 20.0, point.LatencyAvgMs!.Value, 6);
        Assert.Equal(5, point.LatencyP95Ms);
        Assert.Equal(400, point.LatencyMaxMs);
    }

    [Fact]
    public void Read_ASecondOnceRoundTheRing_StartsFromZero()
    {
        var ring = new StatsRing();
        ring.Completed(T0, 5);
        var later = T0.AddSeconds(StatsRing.Seconds);
        ring.Completed(later);

        var point = ring.Read(later, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)).Single();

        Assert.Equal(1, point.Completed);
        Assert.Null(ring.Read(later, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)).Single().LatencyAvgMs);
    }

    [Fact]
    public void Read_StepsWithNothing_HaveZeroCountsAndNoLatency()
    {
        var points = new StatsRing().Read(T0, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10));

        Assert.Equal(6, points.Count);
        Assert.All(points, p => Assert.Equal((0L, 0L, 0L, (double?)null), (p.Submitted, p.Completed, p.Failed, p.LatencyP95Ms)));
    }
}
