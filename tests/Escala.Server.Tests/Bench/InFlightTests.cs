using Escala.Server.Bench;

namespace Escala.Server.Tests.Bench;

/// <summary>A trickle of any length holds only the submits still pending (a 10-minute soak at 6,000/s held every one: 1 GB).</summary>
public sealed class InFlightTests
{
    [Fact]
    public async Task Add_ManyFinished_OnlyTheUnfinishedAreHeld()
    {
        var inFlight = new InFlight();
        var open = new TaskCompletionSource();
        inFlight.Add(open.Task);
        for (var i = 0; i < 100_000; i++)
        {
            inFlight.Add(Task.CompletedTask);
        }

        Assert.InRange(inFlight.Count, 1, InFlight.PruneAt);
        var all = inFlight.WhenAll();
        Assert.False(all.IsCompleted);
        open.SetResult();
        await all;
    }

    [Fact]
    public async Task Add_OneFailedAmongManyFinished_WhenAllThrowsIt()
    {
        var inFlight = new InFlight();
        inFlight.Add(Task.FromException(new InvalidOperationException("refused")));
        for (var i = 0; i < 10_000; i++)
        {
            inFlight.Add(Task.CompletedTask);
        }

        Assert.InRange(inFlight.Count, 1, InFlight.PruneAt);
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(inFlight.WhenAll);
        Assert.Equal("refused", thrown.Message);
    }
}
