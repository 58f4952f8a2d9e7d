using Escala.Execution;
using Escala.Workloads.Sleep;
using Microsoft.Extensions.Time.Testing;

namespace Escala.Workloads.Tests.Sleep;

public sealed class SleepJobHandlerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly SleepJobHandler _sut;

    public SleepJobHandlerTests() => _sut = new SleepJobHandler(_time);

    [Fact]
    public async Task ExecuteAsync_DurationElapses_CompletesWithNull()
    {
        var run = _sut.ExecuteAsync(TestJobs.Context("sleep", """{"ms": 100}"""), CancellationToken.None);

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ExecuteAsync_TokenCancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var run = _sut.ExecuteAsync(TestJobs.Context("sleep", """{"ms": 60000}"""), cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"ms": -1}""")]
    [InlineData("""{"ms": 1.5}""")]
    [InlineData("""{"ms": "100"}""")]
    [InlineData("""[100]""")]
    public async Task ExecuteAsync_InvalidMs_ThrowsPermanent(string args)
    {
        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => _sut.ExecuteAsync(TestJobs.Context("sleep", args), CancellationToken.None));

        Assert.Contains("args.ms", ex.Message);
    }
}
