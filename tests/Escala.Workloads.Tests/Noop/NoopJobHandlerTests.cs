using Escala.Workloads.Noop;

namespace Escala.Workloads.Tests.Noop;

public sealed class NoopJobHandlerTests
{
    private readonly NoopJobHandler _sut = new();

    [Fact]
    public async Task ExecuteAsync_Called_CompletesSynchronouslyWithNull()
    {
        var run = _sut.ExecuteAsync(TestJobs.Context("noop", "{}"), CancellationToken.None);

        Assert.True(run.IsCompletedSuccessfully);
        Assert.Null(await run);
    }

    [Fact]
    public void ExecuteAsync_CalledRepeatedly_AllocatesNothing()
    {
        var context = TestJobs.Context("noop", "{}");
        _ = _sut.ExecuteAsync(context, CancellationToken.None);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = _sut.ExecuteAsync(context, CancellationToken.None);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
